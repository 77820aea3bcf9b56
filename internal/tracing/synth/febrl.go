package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/tracing"
)

// The FEBRL way (Christen, "Probabilistic data generation for deduplication
// and data linkage", 2005): first original records, each drawn field by
// field from frequency tables, then duplicates of some of them, each with a
// few modifications drawn per field from a table of kinds of error
// (keyboard typos, OCR misreadings, phonetic respellings, a value lost,
// words or fields swapped). Unlike Generate it knows nothing of families or
// of how officers in the region write names: it is a second, independent
// making, to check that what works on our own sets is not tuned to them.
//
// Names mix Hispanic ones with Anglo ones (Belize, the Bay Islands,
// returnees from the United States) and indigenous ones (Mayan, Garifuna,
// Nahuatl), some with the saltillo apostrophe (B'alam, K'at). There are no
// parents' names, as in FEBRL's own sets.

var febrlGivenM = []string{"José", "Juan", "Carlos", "Luis", "Kevin", "Brayan", "Jorge", "Michael", "John",
	"William", "James", "David", "Christopher", "Anthony", "Brandon", "Justin", "Tyler", "Ryan", "Joshua",
	"Miguel", "Francisco", "Ángel", "Diego", "Mateo", "Santiago", "Pedro", "Andrés", "Wilmer", "Selvin",
	"Tepeu", "B'alam", "Kinich", "Yaxkin", "Tonatiuh", "Cuauhtémoc", "Itzamná", "Kukulkán", "Tohil", "Ajpu",
	"Garvin", "Dwight", "Leroy", "Clifford", "Alvin", "Roy", "Elvis", "Jeffrey", "Edgar", "Henry"}

var febrlGivenF = []string{"María", "Ana", "Rosa", "Jennifer", "Ashley", "Jessica", "Emily", "Sarah",
	"Elizabeth", "Stephanie", "Nicole", "Amanda", "Brittany", "Samantha", "Heather", "Kimberly", "Dayana",
	"Guadalupe", "Valeria", "Sofía", "Lucía", "Yesenia", "Carmen", "Juana", "Petrona", "Ixchel", "Nikté",
	"Itzel", "Citlali", "Xóchitl", "Nayeli", "Ixmucané", "Sak Nikte'", "K'at", "Yatzil", "Zazil", "Ixkik'",
	"Shirley", "Beverly", "Maxine", "Doreen", "Gloria", "Norma", "Dorothy", "Glenda", "Wendy", "Evelyn"}

var febrlSurnames = []string{"García", "López", "Hernández", "Pérez", "Martínez", "Rodríguez", "González",
	"Ramírez", "Cruz", "Flores", "Reyes", "Morales", "Castillo", "Mejía", "Aguilar", "Romero", "Mendoza",
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Thomas",
	"Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
	"Bodden", "Ebanks", "McField", "Jackson", "Arch", "Woods", "Hyde", "Bennett", "Cacho", "Castillo",
	"Tzoc", "Xiloj", "Caal", "Choc", "Pop", "Ical", "Tiul", "Chub", "Cux", "Batz", "Tzul", "Ajpop", "Cojtí",
	"Cumatz", "Maquín", "Coy", "Quib", "Sis", "Yool", "Ajanel", "Tzunún", "Ixcoy", "Sapón", "Ajú", "K'oj",
	"Q'uix", "Tz'ib", "Lacayo", "Suazo", "Zelaya", "Martínez", "Lino", "Guity", "Arzú", "Nuñez", "Bernárdez",
	"Ordóñez", "Pineda", "Girón", "Ávila", "Sandoval", "Contreras", "Marroquín", "Orellana", "Portillo"}

// febrlCountry is one country with its places, as FEBRL draws a locality.
var febrlCountries = []struct {
	name   string
	places []string
}{
	{"Guatemala", []string{"Sololá", "Quiché", "Huehuetenango", "Cobán", "Petén", "Livingston", "Totonicapán", "Izabal", "San Marcos"}},
	{"Honduras", []string{"Olancho", "Roatán", "La Ceiba", "Trujillo", "Tegucigalpa", "San Pedro Sula", "Gracias a Dios", "Intibucá", "Lempira"}},
	{"El Salvador", []string{"San Salvador", "Santa Ana", "San Miguel", "Usulután", "Sonsonate", "Chalatenango"}},
	{"Belize", []string{"Belize City", "Dangriga", "Punta Gorda", "Orange Walk", "Corozal", "San Ignacio"}},
	{"Nicaragua", []string{"Bluefields", "Puerto Cabezas", "Managua", "León", "Estelí"}},
	{"México", []string{"Chiapas", "Tapachula", "Oaxaca", "Veracruz"}},
}

// zipf draws an index into a list of n, the first ones commonest.
func zipf(r *rand.Rand, n int) int {
	return min(int(float64(n)*pow(r.Float64(), 1.8)), n-1)
}

type febrlPerson struct {
	given, s1, s2, sex string
	y, m, d            int
	country, place     int
}

func febrlOriginal(r *rand.Rand) febrlPerson {
	p := febrlPerson{country: r.IntN(len(febrlCountries))}
	p.place = r.IntN(len(febrlCountries[p.country].places))
	if r.IntN(2) == 0 {
		p.sex, p.given = "M", febrlGivenM[zipf(r, len(febrlGivenM))]
	} else {
		p.sex, p.given = "F", febrlGivenF[zipf(r, len(febrlGivenF))]
	}
	p.s1 = febrlSurnames[zipf(r, len(febrlSurnames))]
	if r.Float64() < 0.6 { // Anglo and many indigenous records carry one surname
		p.s2 = febrlSurnames[zipf(r, len(febrlSurnames))]
	}
	p.y, p.m, p.d = 2005+r.IntN(20), 1+r.IntN(12), 1+r.IntN(28)
	return p
}

func (p *febrlPerson) record() tracing.Record {
	c := febrlCountries[p.country]
	return tracing.Record{Person: identity.Person{GivenNames: p.given, Surname1: p.s1, Surname2: p.s2, Sex: p.sex,
		BirthDate: fmt.Sprintf("%04d-%02d-%02d", p.y, p.m, p.d), BirthCountry: c.name, BirthPlace: c.places[p.place]}}
}

// febrlSparseShare is the share of duplicates, in a full set, that keep
// only two or three fields.
const febrlSparseShare = 0.05

// FEBRLOptions shape a FEBRL-style set.
type FEBRLOptions struct {
	// MaxModifications is the most modifications made to one duplicate
	// (default 3); each duplicate gets one to this many.
	MaxModifications int
	// Sparse keeps at most three fields of every record: mostly the given
	// name, a surname and the birth date, one of them sometimes missing
	// or replaced by the birth place (what a relative's inquiry holds).
	Sparse bool
	// FullLeft, with Sparse, keeps the left records of a link set full
	// (a child's custody record) and makes only the right ones sparse (a
	// relative's inquiry). The people and the right records are those of
	// the set made with Sparse alone: the left records are sparsened as
	// there, and the sparse copy thrown away.
	FullLeft bool
}

// GenerateFEBRL makes a deduplication set the FEBRL way: n original
// records and duplicates of them (none to five per original, about 1.5 on
// average, the FEBRL "zipf" distribution), shuffled.
func GenerateFEBRL(seed uint64, n int, o FEBRLOptions) Set {
	r := rand.New(rand.NewPCG(seed, 0xfeb1))
	type out struct {
		rec tracing.Record
		pid string
	}
	var all []out
	dupShare := []float64{0.22, 0.30, 0.22, 0.13, 0.08, 0.05}
	for i := 0; i < n; i++ {
		p := febrlOriginal(r)
		pid := fmt.Sprintf("p%08d", i+1)
		all = append(all, out{o.finish(r, p.record()), pid})
		k, u := 0, r.Float64()
		for k < len(dupShare)-1 && u >= dupShare[k] {
			u -= dupShare[k]
			k++
		}
		for j := 0; j < k; j++ {
			d := febrlDuplicate(r, &p, o.maxMods())
			if r.Float64() < febrlSparseShare {
				d = sparsen(r, d)
			}
			all = append(all, out{o.finish(r, d), pid})
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	set := Set{Records: make([]tracing.Record, len(all)), PersonID: make([]string, len(all))}
	for i, x := range all {
		x.rec.ID = fmt.Sprintf("rec-%07d", i+1)
		set.Records[i], set.PersonID[i] = x.rec, x.pid
	}
	return set
}

// GenerateFEBRLLink makes a linkage set the FEBRL way (as FEBRL's 5,000 ×
// 5,000 set): left holds n original records, right one duplicate of each,
// in another order. Right's PersonID is the ID of its left record.
func GenerateFEBRLLink(seed uint64, n int, o FEBRLOptions) (left, right Set) {
	r := rand.New(rand.NewPCG(seed, 0xfeb2))
	ps := make([]febrlPerson, n)
	for i := range ps {
		ps[i] = febrlOriginal(r)
		rec := ps[i].record()
		if sparse := o.finish(r, rec); !o.FullLeft {
			rec = sparse
		}
		rec.ID = fmt.Sprintf("a-%07d", i+1)
		left.Records = append(left.Records, rec)
		left.PersonID = append(left.PersonID, rec.ID)
	}
	perm := r.Perm(n)
	for k, i := range perm {
		rec := o.finish(r, febrlDuplicate(r, &ps[i], o.maxMods()))
		rec.ID = fmt.Sprintf("b-%07d", k+1)
		right.Records = append(right.Records, rec)
		right.PersonID = append(right.PersonID, left.Records[i].ID)
	}
	return left, right
}

func (o FEBRLOptions) maxMods() int {
	if o.MaxModifications <= 0 {
		return 3
	}
	return o.MaxModifications
}

// finish applies the sparse option to a record.
func (o FEBRLOptions) finish(r *rand.Rand, rec tracing.Record) tracing.Record {
	if !o.Sparse {
		return rec
	}
	return sparsen(r, rec)
}

// sparsen keeps what a relative typically knows: a given name, a surname
// and a birth date (a year only one time in five); one time in three one
// of them is missing, and then the birth place may take its box.
func sparsen(r *rand.Rand, rec tracing.Record) tracing.Record {
	out := tracing.Record{ID: rec.ID}
	out.GivenNames, out.Surname1, out.BirthDate = rec.GivenNames, rec.Surname1, rec.BirthDate
	if out.Surname1 == "" {
		out.Surname1 = rec.Surname2
	}
	if r.Float64() < 0.2 && len(out.BirthDate) >= 4 {
		out.BirthDate = out.BirthDate[:4]
	}
	if r.Float64() < 1.0/3 {
		switch r.IntN(3) {
		case 0:
			out.GivenNames = ""
		case 1:
			out.Surname1 = ""
		default:
			out.BirthDate = ""
		}
		if r.IntN(2) == 0 {
			out.BirthPlace = rec.BirthPlace
		}
	}
	return out
}

// Kinds of modification of a duplicate, as FEBRL draws them.
const (
	modTypo = iota
	modOCR
	modPhonetic
	modMissing
	modWordSwap   // words of a field exchanged, or a word dropped
	modFieldSwap  // given name and first surname exchanged
	modSurnameSwp // the two surnames exchanged
	nMods
)

var modWeight = [nMods]float64{0.40, 0.12, 0.18, 0.14, 0.06, 0.05, 0.05}

// febrlDuplicate writes a duplicate of p with one to maxMods
// modifications, each to a field drawn at random.
func febrlDuplicate(r *rand.Rand, p *febrlPerson, maxMods int) tracing.Record {
	rec := p.record()
	if r.Float64() < 0.3 {
		rec.BirthCountry = ""
	}
	fields := []*string{&rec.GivenNames, &rec.Surname1, &rec.Surname2, &rec.BirthDate, &rec.BirthPlace, &rec.Sex, &rec.BirthCountry}
	fieldWeight := []float64{0.25, 0.25, 0.10, 0.20, 0.12, 0.04, 0.04}
	nm := 1 + r.IntN(maxMods)
	for k := 0; k < nm; k++ {
		f := drawIndex(r, fieldWeight)
		kind := drawIndex(r, modWeight[:])
		switch {
		case kind == modFieldSwap:
			rec.GivenNames, rec.Surname1 = rec.Surname1, rec.GivenNames
		case kind == modSurnameSwp:
			rec.Surname1, rec.Surname2 = rec.Surname2, rec.Surname1
		case kind == modMissing:
			*fields[f] = ""
		case f == 3:
			rec.BirthDate = febrlDate(r, rec.BirthDate, kind)
		case f == 5 || f == 6:
			// sex and country: only lost
			*fields[f] = ""
		case kind == modWordSwap:
			*fields[f] = swapWords(r, *fields[f])
		case kind == modOCR:
			*fields[f] = ocrError(r, *fields[f])
		case kind == modPhonetic:
			*fields[f] = phoneticError(r, *fields[f])
		default:
			*fields[f] = typo(r, *fields[f])
		}
	}
	if rec.Surname1 == "" && rec.Surname2 != "" && r.IntN(2) == 0 {
		rec.Surname1, rec.Surname2 = rec.Surname2, ""
	}
	return rec
}

func drawIndex(r *rand.Rand, w []float64) int {
	u := r.Float64()
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// febrlDate modifies a YYYY-MM-DD date and keeps it valid: a digit typed
// wrongly (day, month or last digit of the year), day and month swapped,
// or the year alone.
func febrlDate(r *rand.Rand, s string, kind int) string {
	var y, m, d int
	if _, err := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); err != nil {
		return s
	}
	switch {
	case kind == modWordSwap && d <= 12:
		m, d = d, m
	case kind == modWordSwap:
		return fmt.Sprintf("%04d", y)
	default:
		switch r.IntN(3) {
		case 0:
			d = 10*(d/10) + r.IntN(10)
			if d < 1 || d > 28 {
				d = 1 + r.IntN(28)
			}
		case 1:
			m = 1 + r.IntN(12)
		default:
			y = 10*(y/10) + r.IntN(10)
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func swapWords(r *rand.Rand, s string) string {
	w := strings.Fields(s)
	if len(w) < 2 {
		return typo(r, s)
	}
	if r.IntN(2) == 0 {
		return strings.Join(w[:len(w)-1], " ")
	}
	w[0], w[len(w)-1] = w[len(w)-1], w[0]
	return strings.Join(w, " ")
}

// ocrPairs are misreadings of a scanner, both ways.
var ocrPairs = [][2]string{{"m", "rn"}, {"d", "cl"}, {"h", "b"}, {"l", "1"}, {"o", "0"}, {"i", "l"},
	{"e", "c"}, {"u", "v"}, {"n", "ri"}, {"g", "q"}, {"S", "5"}, {"B", "8"}, {"a", "o"}}

func ocrError(r *rand.Rand, s string) string {
	start := r.IntN(len(ocrPairs))
	for k := range ocrPairs {
		p := ocrPairs[(start+k)%len(ocrPairs)]
		if r.IntN(2) == 1 {
			p[0], p[1] = p[1], p[0]
		}
		if strings.Contains(s, p[0]) {
			return strings.Replace(s, p[0], p[1], 1)
		}
	}
	return typo(r, s)
}

// phoneticPairs are respellings of the same sound, Spanish and English.
var phoneticPairs = [][2]string{{"ph", "f"}, {"th", "t"}, {"ck", "k"}, {"ee", "i"}, {"y", "i"}, {"ll", "y"},
	{"v", "b"}, {"z", "s"}, {"ce", "se"}, {"ci", "si"}, {"qu", "k"}, {"h", ""}, {"j", "h"}, {"ge", "je"},
	{"x", "sh"}, {"tz", "ts"}, {"'", ""}, {"w", "gu"}, {"ñ", "ny"}, {"ie", "y"}}

func phoneticError(r *rand.Rand, s string) string {
	low := strings.ToLower(s)
	start := r.IntN(len(phoneticPairs))
	for k := range phoneticPairs {
		p := phoneticPairs[(start+k)%len(phoneticPairs)]
		if i := strings.Index(low, p[0]); i >= 0 {
			return s[:i] + p[1] + s[i+len(p[0]):]
		}
	}
	return typo(r, s)
}
