// Package synth generates synthetic sets of records of children with the
// variation seen when different officers record the same child, and the
// true person of each record. It serves the speed benchmarks and anyone
// who needs a large labelled set; the quality figures come from the shared
// development sets, which were made independently of this generator.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/tracing"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Set is a generated set: Records and, for each, the ID of its person.
type Set struct {
	Records  []tracing.Record
	PersonID []string
}

var maleNames = []string{"José", "Juan", "Carlos", "Luis", "Miguel", "Francisco", "Kevin", "Brayan", "Jorge",
	"Ángel", "Manuel", "Diego", "Fernando", "Anderson", "Erick", "David", "Marvin", "Alexander", "Jesús",
	"Daniel", "Alberto", "Nelson", "Elmer", "Edwin", "Wilmer", "Ricardo", "Jonathan", "Walter", "Mario",
	"Byron", "Selvin", "Pedro", "Henry", "Alejandro", "Santos", "Josué", "Cristian", "Rafael", "Axel",
	"Roberto", "Eduardo", "Dilan", "Wilson", "Jefferson", "Mateo", "Gerson", "Santiago", "Óscar", "Esteban",
	"Guillermo", "Darwin", "Abner", "Gilberto", "Hugo", "Domingo", "Marco", "Enrique", "Estuardo", "Javier",
	"Héctor", "Jacinto", "Gaspar", "Ignacio", "Felipe", "Gustavo", "Andrés", "Rigoberto", "Baltazar", "Pablo",
	"Sebastián", "Antonio", "Tomás", "Elías", "Armando"}

var femaleNames = []string{"María", "Ana", "Rosa", "Jennifer", "Fernanda", "Yesenia", "Elena", "Guadalupe",
	"Katherine", "Alejandra", "Ingrid", "Dayana", "Marta", "Valeria", "Wendy", "Carmen", "Paola", "Karla",
	"Andrea", "Daniela", "Nicole", "Brenda", "Gabriela", "Mayra", "Yoselin", "Heidy", "Dulce", "Juana",
	"Lesly", "Esmeralda", "Evelyn", "Jessica", "Sandra", "Marisol", "Lucía", "Isabel", "Sofía", "Kimberly",
	"Glenda", "Yaritza", "Cindy", "Abigail", "Margarita", "Catarina", "Dolores", "Teresa", "Manuela",
	"Rosario", "Francisca", "Petrona", "Magdalena", "Graciela", "Mercedes", "Consuelo", "Candelaria",
	"Génesis", "Mónica", "Josefa", "Ixchel", "Concepción", "Nikté", "Fernanda", "Josefina", "Lupe"}

var surnames = []string{"García", "López", "Hernández", "Pérez", "Martínez", "Rodríguez", "González", "Ramírez",
	"Cruz", "Flores", "Reyes", "Morales", "Sánchez", "Castillo", "Mejía", "Gómez", "Aguilar", "Ortiz",
	"Díaz", "Castro", "Romero", "Chávez", "Vásquez", "Velásquez", "Ramos", "Mendoza", "Rivera", "Torres",
	"Juárez", "Alvarado", "Escobar", "Salazar", "Orellana", "Villalta", "Menjívar", "Chicas", "Bonilla",
	"Zelaya", "Sevilla", "Izaguirre", "Maradiaga", "Suazo", "Lagos", "Funes", "Matute", "Osorto", "Banegas",
	"Canales", "Andino", "Pineda", "Guevara", "Quintanilla", "Alfaro", "Amaya", "Deras", "Rosales", "Santamaría",
	"Monterroso", "Mazariegos", "Barrios", "Estrada", "Pacheco", "De León", "De la Cruz", "Del Cid",
	"De los Santos", "Xiloj", "Tzoc", "Cux", "Tiul", "Chub", "Caal", "Pop", "Ical", "Choc", "Us", "Sac",
	"Boc", "Tzul", "Cac", "Xicará", "Chocoj", "Tum", "Xol", "Coc", "Ajú", "Quej", "Yat",
	"Jiménez", "Vargas", "Moreno", "Gutiérrez", "Ruiz", "Álvarez", "Medina", "Herrera", "Guzmán", "Molina",
	"Contreras", "Domínguez", "Ortega", "Núñez", "Rojas", "Figueroa", "Rivas", "Paz", "Avila", "Sandoval",
	"Cabrera", "Carrillo", "Cordero", "Solís", "Fuentes", "Cardona", "Calderón", "Lara", "Mendez", "Zúñiga",
	"Valle", "Cerna", "Cano", "Portillo", "Marroquín", "Recinos", "Girón", "Arévalo", "Cifuentes", "Argueta",
	"Murillo", "Euceda", "Padilla", "Mairena", "Lanza", "Rosa", "Ordóñez", "Maldonado",
	"Aguirre", "Peña", "Serrano", "Ayala", "Galdámez", "Henríquez", "Melgar", "Leiva", "Palacios", "Alas",
	"Batz", "Sic", "Tojín", "Ixcoy", "Sapón", "Cumes", "Yax", "Chen", "Tut", "Bol", "Mucú", "Cuc", "Toj"}

// surnameWeight makes the first surnames of the list the common ones.
func pickSurname(r *rand.Rand) string {
	// Zipf-like: index ~ n * u^1.5, so that the commonest surname
	// (García) is about 4% of all, as in Guatemala and Honduras.
	u := r.Float64()
	i := int(float64(len(surnames)) * pow(u, 1.5))
	return surnames[min(i, len(surnames)-1)]
}

func pickName(r *rand.Rand, list []string) string {
	u := r.Float64()
	i := int(float64(len(list)) * pow(u, 1.6))
	return list[min(i, len(list)-1)]
}

func pow(x, y float64) float64 { return math.Pow(x, y) }

type country struct {
	forms  []string
	places []string
	weight float64
}

var countries = []country{
	{[]string{"Guatemala", "GUATEMALA", "GT", "GTM"}, []string{"Sololá", "Quiché", "Santa Cruz del Quiché", "Huehuetenango", "San Marcos", "Quetzaltenango", "Cobán", "Alta Verapaz", "Escuintla", "Chimaltenango", "Totonicapán", "Petén", "Jutiapa", "Chichicastenango", "San Pedro Soloma"}, 0.35},
	{[]string{"Honduras", "HONDURAS", "HN", "HND"}, []string{"San Pedro Sula", "Tegucigalpa", "La Ceiba", "Choloma", "Olancho", "Yoro", "Comayagua", "Choluteca", "Colón", "Santa Bárbara", "Atlántida", "Francisco Morazán"}, 0.28},
	{[]string{"El Salvador", "EL SALVADOR", "Salvador", "SV", "SLV"}, []string{"San Salvador", "Soyapango", "Apopa", "Usulután", "San Miguel", "Sonsonate", "Ahuachapán", "Chalatenango", "La Paz", "Cabañas"}, 0.18},
	{[]string{"México", "Mexico", "MX", "MEX"}, []string{"Chiapas", "Tapachula", "Guerrero", "Oaxaca", "Tamaulipas", "Jalisco", "Estado de México", "Veracruz"}, 0.14},
	{[]string{"Nicaragua", "NI", "NIC"}, []string{"Managua", "Estelí", "León", "Matagalpa", "Chinandega"}, 0.05},
}

var nick = map[string][]string{
	"José": {"Pepe", "Chepe"}, "Francisco": {"Paco", "Pancho"}, "Guadalupe": {"Lupe", "Lupita"},
	"Rosario": {"Chayo"}, "Marco": {"Maco"}, "Luis": {"Wicho", "Lucho"}, "Alberto": {"Beto"},
	"Roberto": {"Beto"}, "Jesús": {"Chucho", "Chuy"}, "Eduardo": {"Lalo"}, "Guillermo": {"Memo"},
	"Manuel": {"Manolo"}, "Santiago": {"Chago"}, "Ignacio": {"Nacho"}, "Alejandro": {"Jando", "Alex"},
	"Rafael": {"Rafa", "Falo"}, "Gustavo": {"Tavo"}, "Teresa": {"Tere"}, "Mercedes": {"Meche"},
	"Isabel": {"Chabela"}, "Concepción": {"Concha", "Conchita"}, "Francisca": {"Pancha", "Paca"},
	"Josefa": {"Chepa"}, "Gabriela": {"Gaby"}, "Daniel": {"Dani"}, "Daniela": {"Dani"},
	"Fernando": {"Nando"}, "Juan": {"Juancho"}, "Catarina": {"Cata"}, "Consuelo": {"Chelo"},
	"Graciela": {"Chela"}, "Magdalena": {"Malena"}, "Margarita": {"Magui"}, "Candelaria": {"Cande"},
	"Sebastián": {"Sebas"}, "Antonio": {"Toño"}, "Rigoberto": {"Rigo"}, "Jonathan": {"Jony"},
}

type person struct {
	id             string
	given          []string
	s1, s2         string
	sex            string
	y, m, d        int
	country        int
	place          string
	mother, father string
}

// Generate makes a set of about 1.8 records per person for n people, in
// families of one to four children (some twins), from seed.
func Generate(seed uint64, n int) Set {
	r := rand.New(rand.NewPCG(seed, 0x7ac1))
	people := make([]person, 0, n)
	for len(people) < n {
		people = append(people, family(r, len(people), n-len(people))...)
	}
	var set Set
	type out struct {
		rec tracing.Record
		pid string
	}
	var all []out
	for i := range people {
		k := 1
		switch u := r.Float64(); {
		case u < 0.45:
			k = 1
		case u < 0.80:
			k = 2
		case u < 0.95:
			k = 3
		default:
			k = 4
		}
		for j := 0; j < k; j++ {
			all = append(all, out{vary(r, &people[i], j > 0), people[i].id})
		}
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	set.Records = make([]tracing.Record, len(all))
	set.PersonID = make([]string, len(all))
	for i, o := range all {
		o.rec.ID = fmt.Sprintf("r%08d", i+1)
		set.Records[i] = o.rec
		set.PersonID[i] = o.pid
	}
	return set
}

func family(r *rand.Rand, first, room int) []person {
	c := pickCountry(r)
	place := countries[c].places[r.IntN(len(countries[c].places))]
	fs1, fs2 := pickSurname(r), pickSurname(r)
	ms1, ms2 := pickSurname(r), pickSurname(r)
	mother := pickName(r, femaleNames) + " " + ms1 + " " + ms2
	father := pickName(r, maleNames) + " " + fs1 + " " + fs2
	s1, s2 := fs1, ms1
	if r.Float64() < 0.2 { // single mother: her surnames
		father = ""
		s1, s2 = ms1, ms2
	}
	kids := 1 + r.IntN(3)
	if kids > room {
		kids = room
	}
	var out []person
	y := 2005 + r.IntN(19)
	for k := 0; k < kids; k++ {
		p := person{id: fmt.Sprintf("p%08d", first+k+1), s1: s1, s2: s2, country: c, place: place, mother: mother, father: father}
		if k == 0 || r.Float64() > 0.1 { // 10% of younger siblings are twins
			y += 1 + r.IntN(3)
			if y > 2025 {
				y = 2006 + r.IntN(18)
			}
			p.y, p.m, p.d = y, 1+r.IntN(12), 1+r.IntN(28)
		} else {
			prev := out[len(out)-1]
			p.y, p.m, p.d = prev.y, prev.m, prev.d
		}
		if r.IntN(2) == 0 {
			p.sex = "M"
			p.given = []string{pickName(r, maleNames)}
			if r.Float64() < 0.3 {
				p.given = append(p.given, pickName(r, maleNames))
			}
		} else {
			p.sex = "F"
			p.given = []string{pickName(r, femaleNames)}
			if r.Float64() < 0.3 {
				p.given = append(p.given, pickName(r, femaleNames))
			}
		}
		if p.given[len(p.given)-1] == p.given[0] && len(p.given) > 1 {
			p.given = p.given[:1]
		}
		out = append(out, p)
	}
	return out
}

func pickCountry(r *rand.Rand) int {
	u := r.Float64()
	for i, c := range countries {
		if u < c.weight {
			return i
		}
		u -= c.weight
	}
	return 0
}

// vary writes one record of p as an officer might; noisy is false for the
// first record of a person, which is written with less variation.
func vary(r *rand.Rand, p *person, noisy bool) tracing.Record {
	v := variation{r: r, noisy: noisy}
	rec := tracing.Record{Person: v.names(p)}
	rec.Sex = v.sex(p.sex)
	rec.BirthDate = v.birthDate(p)
	v.origins(p, &rec.Person)
	for _, f := range []*string{&rec.GivenNames, &rec.Surname1, &rec.Surname2, &rec.BirthPlace, &rec.MotherName, &rec.FatherName} {
		if *f != "" {
			*f = v.written(*f)
		}
	}
	return rec
}

// variation draws the changes of one record. The order of the draws is
// part of the generator's output (a seed gives the same set every time),
// so the functions below are called in a fixed order.
type variation struct {
	r     *rand.Rand
	noisy bool // a second or later record of the person: more variation
}

// pr draws whether a change of probability x happens (a third of x on a
// person's first record).
func (v variation) pr(x float64) bool {
	if !v.noisy {
		x /= 3
	}
	return v.r.Float64() < x
}

// names: a given name dropped or replaced by a nickname; the second
// surname dropped, the surnames swapped, a compound surname fused or cut;
// the given name and first surname exchanged.
func (v variation) names(p *person) identity.Person {
	given := append([]string(nil), p.given...)
	if len(given) > 1 && v.pr(0.3) {
		given = given[:1]
	}
	if v.pr(0.12) {
		if ns := nick[given[0]]; len(ns) > 0 {
			given[0] = ns[v.r.IntN(len(ns))]
		}
	}
	s1, s2 := p.s1, p.s2
	if v.pr(0.25) {
		s2 = ""
	}
	if v.pr(0.04) && s2 != "" {
		s1, s2 = s2, s1
	}
	if strings.Contains(s1, " ") && v.pr(0.3) {
		if v.r.IntN(2) == 0 {
			s1 = strings.ReplaceAll(s1, " ", "")
		} else {
			parts := strings.Fields(s1)
			s1 = parts[len(parts)-1]
		}
	}
	g := strings.Join(given, " ")
	if v.pr(0.04) {
		g, s1 = s1, g
	}
	return identity.Person{GivenNames: g, Surname1: s1, Surname2: s2, Sex: p.sex}
}

// sex: written out in English, or left out.
func (v variation) sex(sex string) string {
	if v.pr(0.3) {
		sex = map[string]string{"M": "male", "F": "female"}[sex]
	}
	if v.pr(0.05) {
		sex = ""
	}
	return sex
}

// birthDate: on later records, day and month swapped, the year off by one,
// the year only, or no date.
func (v variation) birthDate(p *person) string {
	y, m, d := p.y, p.m, p.d
	switch u := v.r.Float64(); {
	case !v.noisy || u < 0.70:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case u < 0.76 && d <= 12:
		return fmt.Sprintf("%04d-%02d-%02d", y, d, m)
	case u < 0.83:
		return fmt.Sprintf("%04d-%02d-%02d", y+1-2*v.r.IntN(2), m, d)
	case u < 0.92:
		return fmt.Sprintf("%04d", y)
	}
	return ""
}

// origins: the country in one of its forms, the place and the parents'
// names, each sometimes left out.
func (v variation) origins(p *person, rec *identity.Person) {
	c := countries[p.country]
	if !v.pr(0.07) {
		rec.BirthCountry = c.forms[v.r.IntN(len(c.forms))]
	}
	if !v.pr(0.3) {
		rec.BirthPlace = p.place
	}
	if !v.pr(0.4) {
		rec.MotherName = p.mother
	}
	if !v.pr(0.5) {
		rec.FatherName = p.father
	}
}

// written: a name as an officer writes it: a typo, a confused letter,
// accents lost, capitals.
func (v variation) written(s string) string {
	if v.pr(0.08) {
		s = typo(v.r, s)
	}
	if v.pr(0.06) {
		s = confuse(v.r, s)
	}
	if v.pr(0.35) {
		s = stripAccents(s)
	}
	if v.pr(0.15) {
		s = strings.ToUpper(s)
	}
	return s
}

// typo makes one keyboard slip: a letter dropped, doubled, replaced or two
// letters exchanged.
func typo(r *rand.Rand, s string) string {
	rs := []rune(s)
	if len(rs) < 3 {
		return s
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(4) {
	case 0:
		return string(append(rs[:i:i], rs[i+1:]...))
	case 1:
		return string(append(append(rs[:i+1:i+1], rs[i]), rs[i+1:]...))
	case 2:
		rs[i] = rune('a' + r.IntN(26))
		return string(rs)
	default:
		rs[i], rs[i-1] = rs[i-1], rs[i]
		return string(rs)
	}
}

var confusions = [][2]string{{"v", "b"}, {"b", "v"}, {"s", "z"}, {"z", "s"}, {"ll", "y"}, {"y", "ll"},
	{"j", "g"}, {"g", "j"}, {"X", "Sh"}, {"x", "sh"}, {"c", "s"}, {"h", ""}}

// confuse writes one sound the way another officer would hear it.
func confuse(r *rand.Rand, s string) string {
	start := r.IntN(len(confusions))
	for k := 0; k < len(confusions); k++ {
		c := confusions[(start+k)%len(confusions)]
		if strings.Contains(s, c[0]) {
			return strings.Replace(s, c[0], c[1], 1)
		}
	}
	return s
}

var accents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func stripAccents(s string) string {
	out, _, err := transform.String(accents, s)
	if err != nil {
		return s
	}
	return out
}
