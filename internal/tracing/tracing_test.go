package tracing

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

func TestSurnameForms(t *testing.T) {
	tests := []struct{ in, fused, core string }{
		{"de la cruz", "delacruz", "cruz"},
		{"delacruz", "delacruz", "cruz"},
		{"de leon", "deleon", "leon"},
		{"deleon", "deleon", "leon"},
		{"delgado", "delgado", "delgado"}, // not "gado"
		{"deras", "deras", "deras"},
		{"garcia", "garcia", "garcia"},
	}
	for _, tt := range tests {
		f, c := surnameForms(tt.in)
		if f != tt.fused || c != tt.core {
			t.Errorf("surnameForms(%q) = %q, %q; want %q, %q", tt.in, f, c, tt.fused, tt.core)
		}
	}
}

func TestNicknames(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"pepe", "jose", true},
		{"chepe", "jose", true},
		{"pepe", "chepe", true}, // both José
		{"paco", "francisco", true},
		{"pancho", "francisco", true},
		{"paco", "pancho", true},
		{"lupe", "guadalupe", true},
		{"chayo", "rosario", true},
		{"maco", "marco", true},
		{"beto", "roberto", true},
		{"beto", "alberto", true},
		{"juancho", "juan", true},
		{"pepe", "juan", false},
		{"maria", "marta", false},
		{"mayra", "maria", false}, // a name of its own
	}
	for _, tt := range tests {
		if got := nicknameAgree(tt.a, tt.b); got != tt.want {
			t.Errorf("nicknameAgree(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	typos := []struct {
		a, b string
		want bool
	}{
		{"chepr", "jose", true},        // Chepe misspelt
		{"lupitta", "guadalupe", true}, // Lupita misspelt
		{"jose", "chepr", true},
		{"chelo", "jose", false}, // Consuelo, not Cheo misspelt
		{"marta", "jose", false},
	}
	for _, tt := range typos {
		if got := nicknameTypo(tt.a, tt.b); got != tt.want {
			t.Errorf("nicknameTypo(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if got := FullNames("Chema"); len(got) != 1 || got[0] != "jose maria" {
		t.Errorf("FullNames(Chema) = %v", got)
	}
}

func TestPhonetic(t *testing.T) {
	same := [][2]string{
		{"Xiloj", "Shiloj"},
		{"Velásquez", "Belazquez"},
		{"Yesenia", "Llesenia"},
		{"Hernández", "Ernandez"},
		{"Gerson", "Jerson"},
		{"Juan", "Guan"},
		{"Guerrero", "Gerrero"},
		{"Cecilia", "Sesilia"},
		{"Quiché", "Kiche"},
		{"Castillo", "Castiyo"},
		{"Leidy", "Leidi"},
	}
	for _, p := range same {
		if a, b := Phonetic(p[0]), Phonetic(p[1]); a != b {
			t.Errorf("Phonetic(%q) = %q, Phonetic(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{{"Maria", "Marta"}, {"Lopez", "Perez"}, {"Ana", "Andrea"}}
	for _, p := range differ {
		if a, b := Phonetic(p[0]), Phonetic(p[1]); a == b {
			t.Errorf("Phonetic(%q) = Phonetic(%q) = %q; want different", p[0], p[1], a)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"martha", "marhta", 0.96, 0.97},
		{"dixon", "dicksonx", 0.81, 0.82},
		{"abc", "abc", 1, 1},
		{"abc", "xyz", 0, 0},
		{"", "abc", 0, 0},
	}
	for _, tt := range tests {
		if got := jaroWinkler(tt.a, tt.b); got < tt.min || got > tt.max {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want in [%v, %v]", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}

// osa is the optimal-string-alignment distance by the full table, the
// reference for the banded editDistance.
func osa(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestEditDistanceBanded(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "acb", "ana", "aan", "edwin", "edwni", "marvin", "marvn",
		"msrvin", "carlos", "sarlos", "carlso", "kitten", "sitting", "josehernandezhernandez",
		"joseluishernandezmendoza", "mariafernandacastrohernandez", "mariafernandacastroernandez",
		"mariafernandacsatrohernandes", "yesseniaperezsantos", "yeseniaperezsantso"}
	for _, a := range words {
		for _, b := range words {
			want := osa(a, b)
			for limit := 0; limit <= 3; limit++ {
				if got := editDistance(a, b, limit); got != min(want, limit+1) {
					t.Errorf("editDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, min(want, limit+1))
				}
			}
		}
	}
}

// oneEdit must agree with editDistance(a, b, 1) <= 1 on every pair: it
// is its fast path.
func TestOneEdit(t *testing.T) {
	words := []string{"", "a", "aa", "ana", "aan", "an", "na", "edwin", "edwni", "edwn", "edwinn",
		"marvin", "marvn", "msrvin", "carlos", "sarlos", "carlso", "arlos", "xcarlos", "brenda", "brnda",
		"vrenda", "abc", "acb", "bac", "abcd", "abdc", "ab"}
	for _, a := range words {
		for _, b := range words {
			want := editDistance(a, b, 1) <= 1
			if got := oneEdit(a, b); got != want {
				t.Errorf("oneEdit(%q, %q) = %v, editDistance says %v", a, b, got, want)
			}
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"ana", "aan", 1}, {"edwin", "edwni", 1}, {"marvin", "marvn", 1},
		{"carlos", "sarlos", 1}, {"kitten", "sitting", 3}, {"abc", "abc", 0},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, 2); got != min(tt.want, 3) {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want date
	}{
		{"2014-03-25", date{2014, 3, 25, true}},
		{"2014-03", date{2014, 3, 0, true}},
		{"2014", date{2014, 0, 0, true}},
		{"", date{}},
		{"unknown", date{}},
		{"14-03-25", date{}},
		{"0999", date{}},
	}
	for _, tt := range tests {
		if got := parseDate(tt.in); got != tt.want {
			t.Errorf("parseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestReadDateAsFarAsItGoes: dates written another way, or typed wrongly,
// keep the parts that can be read, and say they were not in form.
func TestReadDateAsFarAsItGoes(t *testing.T) {
	tests := []struct {
		in    string
		want  string // date.String()
		asked bool
	}{
		{"2014-03-25", "2014-03-25", true},
		{"2014-03", "2014-03", true},
		{"2014", "2014", true},
		{"", "", true},
		{"20140325", "2014-03-25", false},
		{"1945-04-93", "1945-04", false},    // day typed wrongly
		{"1945-80-30", "1945", false},       // month typed wrongly
		{"1996-00-94", "1996", false},       // both
		{"2014-13-01", "2014-01-13", false}, // day and month the other way round
		{"25/03/2014", "2014-03-25", false}, // DD/MM/YYYY: 25 is no month
		{"03/25/2014", "2014-03-25", false}, // MM/DD/YYYY: 25 is no month
		{"05/03/2014", "2014", false},       // either: the year alone
		{"03/03/2014", "2014-03-03", false},
		{"03/2014", "2014-03", false},
		{"2014-3-5", "2014-03-05", false},
		{"2014.03.25", "2014-03-25", false},
		{" 2014-03-25 ", "2014-03-25", true},
		{"2014-03-25-01", "", false},
		{"abcd-03-25", "", false},
		{"n/a", "", false},
		{"-", "", false},
		{" / ", "", false},
	}
	for _, tt := range tests {
		d, asked := readDate(tt.in)
		if d.String() != tt.want || asked != tt.asked {
			t.Errorf("readDate(%q) = %q, %v; want %q, %v", tt.in, d.String(), asked, tt.want, tt.asked)
		}
	}
}

func TestCompareDate(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2014-03-25", "2014-03-25", dExact},
		{"2014-03-05", "2014-05-03", dSwapped},
		{"2014-03-05", "2014-03-25", dYearMonth},
		{"2014", "2014-03-25", dYearOnly},
		{"2014-03", "2014-03-25", dYearOnly},
		{"2014-03-25", "2015-03-25", dYearOff},
		{"2009-12-11", "2010-11-12", dYearOff}, // a year off and swapped
		{"2002-12-25", "2013-12-25", dMonthDay},
		{"2014-03-25", "2014-09-01", dNear},
		{"2014-03-25", "2019-07-01", dDisagree},
		{"2013-03-25", "2018-03-26", dTyped},    // the year's last digit and the day's typed wrongly
		{"2013-03-25", "2018-04-26", dDisagree}, // and the month too: another date
		{"2014", "2016", dDisagree},
		{"2013", "2018-03-25", dDisagree}, // a year alone one digit off: within a decade, namesakes share it
		{"", "2014-03-25", dMissing},
	}
	for _, tt := range tests {
		if got := compareDate(parseDate(tt.a), parseDate(tt.b)); got != tt.want {
			t.Errorf("compareDate(%q, %q) = %s, want %s", tt.a, tt.b,
				fieldSpecs[fBirthDate].Levels[got], fieldSpecs[fBirthDate].Levels[tt.want])
		}
	}
}

func feat(r Record) features { return newFeatures(&r) }

func TestCompareGiven(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"María", "maría", gExact},
		{"María", "MARIA", gFold},
		{"Pepe", "José", gNickname},
		{"Chepe Luis", "José Luis", gNickname},
		{"Yesenia", "Llesenia", gPhonetic},
		{"María Fernanda", "María", gSubset},
		{"Chema", "José María", gNickname},
		{"Katherine", "Kathernie", gJaro},
		{"Ana María", "María", gOther},
		{"Juan Carlos", "Juan José", gConflict},
		{"J", "Juan", gInitial},
		{"Wendy", "Valeria", gDisagree},
		{"", "Valeria", gMissing},
	}
	for _, tt := range tests {
		a, b := feat(Record{Person: identity.Person{GivenNames: tt.a}}), feat(Record{Person: identity.Person{GivenNames: tt.b}})
		if got := compareGiven(&a, &b); got != tt.want {
			t.Errorf("compareGiven(%q, %q) = %s, want %s", tt.a, tt.b,
				fieldSpecs[fGiven].Levels[got], fieldSpecs[fGiven].Levels[tt.want])
		}
	}
}

// TestGivenWordsLevel checks every combination of word agreements against
// the rules as compareGiven wrote them before they were a function of
// their own.
func TestGivenWordsLevel(t *testing.T) {
	want := func(t0, t1 int, sameLen bool) int {
		worst := max(t0, t1)
		switch {
		case sameLen && worst <= tNick:
			return gNickname
		case sameLen && worst <= tPhon:
			return gPhonetic
		case !sameLen && t0 <= tPhon && (t1 < 0 || t1 <= tPhon):
			return gSubset
		case t0 <= tJaro && (t1 < 0 || t1 <= tJaro):
			return gJaro
		case t0 <= tJaro && t1 >= tInitial:
			if t1 == tInitial {
				return gJaro
			}
			return gConflict
		case t0 == tInitial:
			return gInitial
		}
		return -1
	}
	for t0 := tExact; t0 <= tNone; t0++ {
		for t1 := -1; t1 <= tNone; t1++ {
			for _, sameLen := range []bool{false, true} {
				if got, w := givenWordsLevel(t0, t1, sameLen), want(t0, t1, sameLen); got != w {
					t.Errorf("givenWordsLevel(%d, %d, %v) = %d, want %d", t0, t1, sameLen, got, w)
				}
			}
		}
	}
}

func TestCompareSurname(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"López", "lópez", sExact},
		{"López", "LOPEZ", sFold},
		{"De la Cruz", "Delacruz", sFold},
		{"De León", "León", sFold},
		{"Velásquez", "Belasques", sPhonetic},
		{"Xiloj", "Shiloj", sPhonetic},
		{"Martínez", "Martnez", sJaroHigh},
		{"Rodríguez", "Rodrigo", sJaroMid},
		{"G", "García", sInitial},
		{"Zelaya", "Zeiada", sTyped}, // two letters typed wrongly
		{"Paz", "Pza", sTyped},       // one edit in a short name
		{"Paz", "Luz", sDisagree},    // two edits in a short name: another name
		{"García", "Pérez", sDisagree},
		{"", "Pérez", sMissing},
	}
	for _, tt := range tests {
		a, b := newSurname(tt.a), newSurname(tt.b)
		if got := compareSurname(&a, &b); got != tt.want {
			t.Errorf("compareSurname(%q, %q) = %s, want %s", tt.a, tt.b,
				fieldSpecs[fSurname1].Levels[got], fieldSpecs[fSurname1].Levels[tt.want])
		}
	}
}

func TestCompareOtherFields(t *testing.T) {
	a := feat(Record{Person: identity.Person{Sex: "M", BirthCountry: "Guatemala", BirthPlace: "Sololá", MotherName: "Ana Tiul González", FatherName: "Pepe López Canales"}})
	b := feat(Record{Person: identity.Person{Sex: "male", BirthCountry: "GTM", BirthPlace: "SOLOLA", MotherName: "ANA TIUL GONZALEZ", FatherName: "José López Canales"}})
	v := compareOriented(&a, &b, false)
	want := map[int]uint8{fSex: bAgree, fCountry: bAgree, fPlace: pExact, fMother: rExact, fFather: rAll}
	for f, l := range want {
		if v[f] != l {
			t.Errorf("%s: level %s, want %s", fieldSpecs[f].Name, fieldSpecs[f].Levels[v[f]], fieldSpecs[f].Levels[l])
		}
	}
	c := feat(Record{Person: identity.Person{Sex: "F", BirthCountry: "Honduras", BirthPlace: "Yoro", MotherName: "Karl aMejia Martinez"}})
	d := feat(Record{Person: identity.Person{Sex: "", BirthCountry: "", BirthPlace: "Yoto", MotherName: "Karla Mejia Martines"}})
	v = compareOriented(&c, &d, false)
	want = map[int]uint8{fSex: bMissing, fCountry: bMissing, fPlace: pSimilar, fMother: rJaro, fFather: rMissing}
	for f, l := range want {
		if v[f] != l {
			t.Errorf("%s: level %s, want %s", fieldSpecs[f].Name, fieldSpecs[f].Levels[v[f]], fieldSpecs[f].Levels[l])
		}
	}
}

func TestCompareReadings(t *testing.T) {
	m := DefaultModel()
	// Given name and first surname exchanged.
	a := feat(Record{Person: identity.Person{GivenNames: "Heidy", Surname1: "Martínez", BirthDate: "2021-10-14"}})
	b := feat(Record{Person: identity.Person{GivenNames: "Martnez", Surname1: "Heidy", BirthDate: "2021-10-14"}})
	if v := m.compare(&a, &b); v[fGiven] > gJaro || v[fSurname1] > sJaroHigh {
		t.Errorf("exchanged boxes not read back: given %s, surname1 %s",
			fieldSpecs[fGiven].Levels[v[fGiven]], fieldSpecs[fSurname1].Levels[v[fSurname1]])
	}
	// Surnames crossed (the first dropped).
	c := feat(Record{Person: identity.Person{GivenNames: "Dani", Surname1: "Cruz", Surname2: "Bonilla"}})
	d := feat(Record{Person: identity.Person{GivenNames: "Dani", Surname1: "Bonilla"}})
	if v := m.compare(&c, &d); v[fSurname1] != sExact && v[fSurname2] != sExact {
		t.Errorf("crossed surnames not found: %v", v)
	}
}

func TestBlockingKeys(t *testing.T) {
	k := newKeyHasher()
	shares := func(a, b Record) bool {
		fa, fb := feat(a), feat(b)
		ka := blockKeys(k, &fa, nil)
		kb := blockKeys(k, &fb, nil)
		for _, x := range ka {
			for _, y := range kb {
				if x == y {
					return true
				}
			}
		}
		return false
	}
	base := Record{Person: identity.Person{GivenNames: "José", Surname1: "García", Surname2: "López", BirthDate: "2012-03-05", MotherName: "Ana López Pérez"}}
	variants := map[string]Record{
		"nickname":         {Person: identity.Person{GivenNames: "Pepe", Surname1: "Garcia", Surname2: "Lopez", BirthDate: "2012-03-05"}},
		"day/month":        {Person: identity.Person{GivenNames: "Jose", Surname1: "García", BirthDate: "2012-05-03"}},
		"year only":        {Person: identity.Person{GivenNames: "José", Surname1: "Garsia", BirthDate: "2012"}},
		"no date":          {Person: identity.Person{GivenNames: "José", Surname1: "García"}},
		"exchanged":        {Person: identity.Person{GivenNames: "García", Surname1: "José", BirthDate: "2012-03-05"}},
		"surnames swapped": {Person: identity.Person{GivenNames: "Jose", Surname1: "López", Surname2: "García", BirthDate: "2013-03-05"}},
		"given typo":       {Person: identity.Person{GivenNames: "Jsoe", Surname1: "García", BirthDate: "2012-03-05"}},
		"mother only":      {Person: identity.Person{GivenNames: "Joze", Surname1: "Garcya", MotherName: "Ana Lopez Perez"}},
	}
	for name, v := range variants {
		if !shares(base, v) {
			t.Errorf("%s: no blocking key shared", name)
		}
	}
	if shares(base, Record{Person: identity.Person{GivenNames: "Wendy", Surname1: "Xiloj", BirthDate: "2019-11-30"}}) {
		t.Error("unrelated records share a key")
	}
}

func TestReadCSVErrors(t *testing.T) {
	hdr := strings.Join(Columns, ",") + "\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "line 1"},
		{"no header", "r1,Ana,Tiul,,F,2014,GT,,,\n", "line 1"},
		{"no id column", "given_names,surname1\nAna,Tiul\n", "line 1: no id column"},
		{"no name column", "id,birth_date\nr1,2014\n", "line 1: no name column"},
		{"wrong count", hdr + "r1,Ana,Tiul,,F,2014,GT,,,\nr2,Ana\n", "line 3: wrong number of columns"},
		{"bad utf8", hdr + "r1,Ana,Tiul,,F,2014,GT,,,\nr2,M\xe9ndez,Tiul,,F,2014,GT,,,\n", "line 3: text is not valid UTF-8"},
		{"duplicate id", hdr + "r1,Ana,,,,,,,,\nr1,Eva,,,,,,,,\n", "line 3: id \"r1\" already on line 2"},
		{"empty id", hdr + ",Ana,,,,,,,,\n", "line 2: empty id"},
	}
	for _, tt := range tests {
		_, err := ReadCSV(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	recs, err := ReadCSV(strings.NewReader("\ufeff" + hdr + "r1,Ana,Tiul,,F,2014-03-25,GT,Sololá,,\n"))
	if err != nil || len(recs) != 1 || recs[0].BirthPlace != "Sololá" {
		t.Fatalf("ReadCSV = %v, %v", recs, err)
	}
}

// TestReadCSVColumnsOtherThanAsked: a file with some of the columns (in
// any order) and columns of its own is read, the absent ones as empty, and
// the notes name both.
func TestReadCSVColumnsOtherThanAsked(t *testing.T) {
	in := "surname1,rec_id_note,ID,given_names,birth_date\nTiul,x,r1,Ana,2014-03-25\nTiul,y,r2,Ana,2014-03-25\n"
	var notes ReadNotes
	recs, err := ReadCSVNoting(strings.NewReader(in), &notes)
	if err != nil || len(recs) != 2 {
		t.Fatalf("ReadCSVNoting = %v, %v", recs, err)
	}
	want := Record{ID: "r1", Person: identity.Person{GivenNames: "Ana", Surname1: "Tiul", BirthDate: "2014-03-25"}}
	if recs[0] != want {
		t.Errorf("record = %+v, want %+v", recs[0], want)
	}
	for _, w := range []string{"columns absent, read as empty: surname2, sex, birth_country, birth_place, mother_name, father_name", `ignored: ["rec_id_note"]`} {
		if !strings.Contains(notes.String(), w) {
			t.Errorf("notes %q lack %q", notes.String(), w)
		}
	}
}

// TestReadCSVDatesOutOfForm: a file with dates written another way is read
// whole, the dates kept as written, and the notes count them with the
// first few examples.
func TestReadCSVDatesOutOfForm(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(Columns, ",") + "\n")
	b.WriteString("r1,Ana,Tiul,,F,2014-03-25,GT,,,\n")
	b.WriteString("r2,Ana,Tiul,,F,25/03/2014,GT,,,\n")
	b.WriteString("r3,Ana,Tiul,,F,unknown,GT,,,\n")
	for i := 4; i <= 10; i++ {
		fmt.Fprintf(&b, "r%d,Eva,Lix,,F,2011-02-9%d,GT,,,\n", i, i-4)
	}
	var notes ReadNotes
	recs, err := ReadCSVNoting(strings.NewReader(b.String()), &notes)
	if err != nil || len(recs) != 10 {
		t.Fatalf("ReadCSVNoting = %d records, %v", len(recs), err)
	}
	if recs[1].BirthDate != "25/03/2014" {
		t.Errorf("date changed on reading: %q", recs[1].BirthDate)
	}
	if notes.Dates != 9 || len(notes.DateExamples) != dateExamplesShown || notes.Absent != nil || notes.Ignored != nil {
		t.Fatalf("notes = %+v, want 9 dates counted and %d shown", notes, dateExamplesShown)
	}
	for _, want := range []string{`line 3: "25/03/2014" read as 2014-03-25`, `line 4: "unknown" read as no date`, `"2011-02-90" read as 2011-02`, "9 birth dates", "; ..."} {
		if !strings.Contains(notes.String(), want) {
			t.Errorf("notes %q lack %q", notes.String(), want)
		}
	}
	if (ReadNotes{}).String() != "" {
		t.Error("no notes should say nothing")
	}
	res, err := DedupeCSV(context.Background(), strings.NewReader(b.String()), 0, Options{})
	if err != nil || res.Read.Dates != 9 {
		t.Fatalf("DedupeCSV: %v, dates %+v", err, res)
	}
	if res.ClusterID[res.Cluster[0]] != res.ClusterID[res.Cluster[1]] {
		t.Error("Ana Tiul 2014-03-25 and Ana Tiul 25/03/2014 were not joined")
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	recs := []Record{
		{ID: "a", Person: identity.Person{GivenNames: "José", Surname1: "García", BirthDate: "2012-03-05"}},
		{ID: "b", Person: identity.Person{GivenNames: "Pepe", Surname1: "Garcia", BirthDate: "2012-05-03"}},
	}
	m, err := Train(context.Background(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	fa, fb := feat(recs[0]), feat(recs[1])
	if s1, s2 := m.score(&fa, &fb), m2.score(&fa, &fb); s1 != s2 {
		t.Errorf("score %v after round trip, %v before", s2, s1)
	}
	if _, err := ReadModel(strings.NewReader(`{"fields":[]}`)); err == nil {
		t.Error("ReadModel accepted a model without fields")
	}
}

// Siblings and twins share surnames, parents and birthplace; they must stay
// apart while records of one child written differently come together.
func TestDedupeSiblings(t *testing.T) {
	recs := []Record{
		{ID: "1", Person: identity.Person{GivenNames: "Wilson", Surname1: "Pérez", Surname2: "Hernández", Sex: "M", BirthDate: "2022-10-13", BirthCountry: "MX", BirthPlace: "Chiapas", MotherName: "María Hernández Álvarez", FatherName: "Jonathan Pérez Chávez"}},
		{ID: "2", Person: identity.Person{GivenNames: "WILSON", Surname1: "Perez", Sex: "male", BirthDate: "2022-10-13", BirthCountry: "México", BirthPlace: "Chiapas", MotherName: "Maria Hernandez Alvarez"}},
		{ID: "3", Person: identity.Person{GivenNames: "José", Surname1: "Pérez", Surname2: "Hernández", Sex: "M", BirthDate: "2022-10-13", BirthCountry: "MX", BirthPlace: "Chiapas", MotherName: "María Hernández Álvarez", FatherName: "Jonathan Pérez Chávez"}},
		{ID: "4", Person: identity.Person{GivenNames: "Pepe", Surname1: "PEREZ", Surname2: "Hernandez", Sex: "M", BirthDate: "2022-10-13", BirthCountry: "Mexico", MotherName: "Maria Hernandez Alvarez"}},
		{ID: "5", Person: identity.Person{GivenNames: "Ana", Surname1: "Pérez", Surname2: "Hernández", Sex: "F", BirthDate: "2019-02-01", BirthCountry: "MX", BirthPlace: "Chiapas", MotherName: "María Hernández Álvarez", FatherName: "Jonathan Pérez Chávez"}},
	}
	res, err := Dedupe(context.Background(), recs, Options{Model: DefaultModel()})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cluster
	if c[0] != c[1] || c[2] != c[3] {
		t.Errorf("records of one child apart: clusters %v", c)
	}
	if c[0] == c[2] || c[0] == c[4] || c[2] == c[4] {
		t.Errorf("siblings merged: clusters %v", c)
	}
}

func TestIndexSearch(t *testing.T) {
	recs := []Record{
		{ID: "c1", Person: identity.Person{GivenNames: "Francisco", Surname1: "Flores", Sex: "M", BirthDate: "2018-03-15", BirthCountry: "GT", BirthPlace: "Escuintla"}},
		{ID: "c2", Person: identity.Person{GivenNames: "Mayra", Surname1: "Flores", Sex: "F", BirthDate: "2016-01-02", BirthCountry: "GT", BirthPlace: "Escuintla"}},
		{ID: "c3", Person: identity.Person{GivenNames: "Wendy", Surname1: "Izaguirre", Sex: "F", BirthDate: "2011-10-26", BirthCountry: "HN"}},
	}
	ix := NewIndex(recs, nil)
	ix.Add(Record{ID: "c4", Person: identity.Person{GivenNames: "Lupe", Surname1: "Xiloj", BirthDate: "2015"}})
	if ix.Len() != 4 {
		t.Fatalf("Len = %d", ix.Len())
	}
	got := ix.Search(context.Background(), Record{Person: identity.Person{GivenNames: "Paco", Surname1: "FLORES", BirthDate: "2018-15-03"[:4], BirthCountry: "Guatemala"}}, 3, 0.5)
	if len(got) == 0 || got[0].ID != "c1" {
		t.Fatalf("Search = %+v, want c1 first", got)
	}
	if len(got[0].Explanation) != nFields+2 {
		t.Errorf("explanation has %d rows, want %d fields, the prior and the sibling alternative", len(got[0].Explanation), nFields)
	}
	sum := 0.0
	for _, fw := range got[0].Explanation {
		sum += fw.Weight
	}
	if sum <= 0 || math.Abs(sum-got[0].Weight) > 1e-9 {
		t.Errorf("explanation weights sum to %v, weight %v", sum, got[0].Weight)
	}
	got = ix.Search(context.Background(), Record{Person: identity.Person{GivenNames: "Guadalupe", Surname1: "Shiloj", BirthDate: "2015-04-04"}}, 1, 0.5)
	if len(got) != 1 || got[0].ID != "c4" {
		t.Errorf("Search for an added record = %+v", got)
	}
}

// TestJaroWinklerAtLeast checks that the letter bound never turns a pair
// away that jaroWinkler itself would let through, at the thresholds used
// and at each pair's own value.
func TestJaroWinklerAtLeast(t *testing.T) {
	names := []string{"garcia", "garsia", "lopez", "lopes", "hernandez", "fernandez", "martinez", "martin",
		"ana", "aan", "juan", "jaun", "delacruz", "cruz", "xiloj", "ramirez", "ramires", "mejia", "mejias",
		"perez", "pereira", "a", "ab", "ba", "maria", "mario", "marta", "santiago", "sant", "reyes", "reies", "rwyes", ""}
	for _, a := range names {
		for _, b := range names {
			jw := jaroWinkler(a, b)
			for _, th := range []float64{jwSurMid, jwToken, jwSurHigh, jw, jw - 1e-12} {
				if got := jaroWinklerAtLeast(a, b, th); got != (jw >= th) {
					t.Errorf("jaroWinklerAtLeast(%q, %q, %v) = %v, jaroWinkler = %v", a, b, th, got, jw)
				}
			}
		}
	}
}

// logSum2 reads a table; it must stay within a thousandth of a bit of the
// exact value, which is far below what changes a decision.
func TestLogSum2(t *testing.T) {
	for _, ab := range [][2]float64{{0, 0}, {1, 0}, {-3, 2.5}, {10, -10}, {0.01, 0.02}, {-60, 0}, {5, 47.9}, {-20.3, -20.31}} {
		a, b := ab[0], ab[1]
		want := math.Log2(math.Exp2(a) + math.Exp2(b))
		if got := logSum2(a, b); math.Abs(got-want) > 1e-3 {
			t.Errorf("logSum2(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
	if got := logSum2(math.Inf(-1), 3); got != 3 {
		t.Errorf("logSum2(-Inf, 3) = %v, want 3", got)
	}
}

func TestSortParallel(t *testing.T) {
	for _, n := range []int{0, 1, 100, 70_000, 300_000} {
		for _, kind := range []string{"random", "equal", "sorted", "reversed"} {
			x := make([]uint64, n)
			for i := range x {
				switch kind {
				case "random":
					x[i] = uint64(i) * 0x9e3779b97f4a7c15
				case "equal":
					x[i] = 7
				case "sorted":
					x[i] = uint64(i)
				case "reversed":
					x[i] = uint64(n - i)
				}
			}
			want := slices.Clone(x)
			slices.Sort(want)
			sortParallel(x, 4)
			if !slices.Equal(x, want) {
				t.Errorf("%d %s values: not sorted", n, kind)
			}
		}
	}
}

// A record replaced in the index is found by its new names only; one
// indexed under two names is one candidate.
func TestIndexReplace(t *testing.T) {
	ctx := context.Background()
	ix := NewIndex([]Record{
		{ID: "c1", Person: identity.Person{GivenNames: "Jose", Surname1: "Xiloj", Sex: "M", BirthDate: "2014-06-02", BirthCountry: "GT"}},
		{ID: "c2", Person: identity.Person{GivenNames: "Wendy", Surname1: "Izaguirre", Sex: "F", BirthDate: "2011-10-26", BirthCountry: "HN"}},
	}, nil)
	shiloj := Record{Person: identity.Person{GivenNames: "José", Surname1: "Shiloj", Sex: "M", BirthDate: "2014-06-02"}}
	if got := ix.Search(ctx, shiloj, 3, 0.5); len(got) != 1 || got[0].ID != "c1" {
		t.Fatalf("before: %+v", got)
	}
	ix.Replace("c1", Record{ID: "c1", Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", Sex: "M", BirthDate: "2009-01-30", BirthCountry: "GT"}})
	if got := ix.Search(ctx, shiloj, 3, 0.5); len(got) != 0 {
		t.Errorf("the old names still find the case: %+v", got)
	}
	if got := ix.Search(ctx, Record{Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", BirthDate: "2009-01-30"}}, 3, 0.5); len(got) != 1 || got[0].ID != "c1" {
		t.Errorf("the new names do not: %+v", got)
	}
	if ix.Len() != 2 {
		t.Errorf("Len = %d after a replace, want 2", ix.Len())
	}
	// Known also as "Chepe Xiloj": two entries, one candidate.
	ix.Replace("c1",
		Record{ID: "c1", Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", Sex: "M", BirthDate: "2009-01-30"}},
		Record{ID: "c1", Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", Surname2: "Xiloj", Sex: "M", BirthDate: "2009-01-30"}})
	if got := ix.Search(ctx, Record{Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", BirthDate: "2009-01-30"}}, 5, 0.5); len(got) != 1 || got[0].ID != "c1" {
		t.Errorf("a case under two names: %+v, want one candidate", got)
	}
	ix.Replace("c1")
	if got := ix.Search(ctx, Record{Person: identity.Person{GivenNames: "Marvin", Surname1: "Tzul", BirthDate: "2009-01-30"}}, 5, 0.5); len(got) != 0 || ix.Len() != 1 {
		t.Errorf("removed, still found: %+v (Len %d)", got, ix.Len())
	}
}

// TestModelCollapsed: a fitted model is replaced by the calibrated
// defaults when it takes siblings for one person or holds an impossible
// share of matches, and kept otherwise.
// sameFamily makes m a model that cannot tell a person from a sibling:
// given names and birth date say nothing, family fields everything.
func sameFamily(m *Model) {
	for l := range m.Fields[fGiven].Levels {
		m.Fields[fGiven].Levels[l].M = m.Fields[fGiven].Levels[l].U
	}
	for l := range m.Fields[fBirthDate].Levels {
		m.Fields[fBirthDate].Levels[l].M = m.Fields[fBirthDate].Levels[l].U
	}
	for _, f := range []int{fSurname1, fSurname2, fPlace, fMother, fFather} {
		m.Fields[f].Levels[0].U = 1e-6
	}
}

func TestModelCollapsed(t *testing.T) {
	population := func(prior float64, edit func(m *Model)) *Model {
		m := DefaultModel()
		m.Prior, m.PriorFamily, m.Population = prior, prior/2, 10_000
		if edit != nil {
			edit(m)
		}
		m.prepare()
		return m
	}
	for _, tt := range []struct {
		name      string
		m         *Model
		collapsed bool
	}{
		{"calibrated default", population(1e-4, nil), false},
		{"untrained candidate model", DefaultModel(), false},
		{"every record a match of 50 others", population(5e-3, nil), true},
		{"no duplicates at all", population(1e-9, nil), true},
		{"same family taken for same person", population(1e-4, sameFamily), true},
		// The sparse FEBRL-style sets hold no parents nor place: a
		// model that would score siblings agreeing on them a match
		// cannot merge siblings there.
		{"the same, the family fields absent from the set", population(1e-4, func(m *Model) {
			sameFamily(m)
			for _, f := range []int{fSurname1, fSurname2, fPlace, fMother, fFather} {
				m.absent[f] = true
			}
		}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			why := tt.m.collapsed()
			if (why != "") != tt.collapsed {
				t.Errorf("collapsed() = %q, want collapsed %v", why, tt.collapsed)
			}
		})
	}
}

// TestDedupeSkewedBlocksBounded: when one blocking key is shared by
// thousands of records (a data set of one common name and date), its
// groups are compared as sorted neighbourhoods, so comparisons grow with
// the number of records, not with its square.
func TestDedupeSkewedBlocksBounded(t *testing.T) {
	skewed := func(n int) []Record {
		recs := make([]Record, n)
		for i := range recs {
			recs[i].ID = fmt.Sprintf("r%05d", i)
			recs[i].GivenNames, recs[i].Surname1, recs[i].BirthDate = "Juan", "García", "2010-01-01"
			recs[i].Surname2 = fmt.Sprintf("X%04d", i%500)
		}
		return recs
	}
	comps := map[int]int64{}
	for _, n := range []int{2000, 4000} {
		res, err := Dedupe(context.Background(), skewed(n), Options{MaxBlock: 100, Model: DefaultModel()})
		if err != nil {
			t.Fatal(err)
		}
		st := res.Stats
		if st.SplitKeys == 0 || st.LargestBlock != n {
			t.Errorf("n=%d: %d groups windowed, largest %d; want some windowed, largest %d", n, st.SplitKeys, st.LargestBlock, n)
		}
		comps[n] = st.Comparisons
		t.Logf("n=%d: %+v", n, st)
	}
	if full := int64(2000 * 1999 / 2); comps[2000] >= full {
		t.Errorf("2000 records of one key: %d comparisons, not fewer than comparing all pairs (%d)", comps[2000], full)
	}
	if r := float64(comps[4000]) / float64(comps[2000]); r > 2.5 {
		t.Errorf("twice the records made %.1f times the comparisons, want about 2", r)
	}
}

// TestInOtherField: a name's frequency is the larger of its own field's and
// the other field's, so a surname written as a given name is as common as
// it is.
func TestInOtherField(t *testing.T) {
	other := map[string]float64{"mendosa": -3, "rara": -12}
	tests := []struct {
		name   string
		lf     float64
		ok     bool
		key    string
		want   float64
		wantOK bool
	}{
		{"only in the other field", 0, false, "mendosa", -3, true},
		{"commoner in the other field", -10, true, "mendosa", -3, true},
		{"commoner in its own field", -2, true, "rara", -2, true},
		{"in neither", 0, false, "nadie", 0, false},
		{"no key", -10, true, "", -10, true},
	}
	for _, tt := range tests {
		got, ok := inOtherField(tt.lf, tt.ok, other, tt.key)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: inOtherField = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
