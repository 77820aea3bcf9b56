package tracing

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/identity"
)

//go:embed data/places.csv
var placesCSV string

// A relative often knows the department a child comes from ("from
// Olancho") where the case records the municipality (Juticalpa), or the
// reverse. The gazetteer in data/places.csv (sources in data/SOURCES.md)
// says which department each municipality is in, so that the two agree as
// places, and the explanation says "same department".

// placeRef is one reading of a place name: the department it is in and
// whether the name is the department itself.
type placeRef struct {
	dept   uint16 // index in departments, from 1
	isDept bool
}

type gazetteer struct {
	byName      map[string][]placeRef // folded name -> its readings
	departments []string              // "HN/olancho"; [0] unused
	countryOf   []string              // alpha-2 code of each department
}

var places = mustParsePlaces(placesCSV)

func mustParsePlaces(src string) *gazetteer {
	g, err := parsePlaces(src)
	if err != nil {
		panic(err)
	}
	return g
}

func parsePlaces(src string) (*gazetteer, error) {
	g := &gazetteer{byName: map[string][]placeRef{}, departments: []string{""}, countryOf: []string{""}}
	ids := map[string]uint16{}
	err := eachDataLine(src, func(line int, l string) error {
		parts := strings.Split(l, ",")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
			return fmt.Errorf("tracing: places.csv line %d: want country,department,municipality", line)
		}
		cc, dept, muni := parts[0], identity.Fold(parts[1]), identity.Fold(parts[2])
		key := cc + "/" + dept
		id, ok := ids[key]
		if !ok {
			id = uint16(len(g.departments))
			ids[key] = id
			g.departments = append(g.departments, key)
			g.countryOf = append(g.countryOf, cc)
		}
		name, isDept := muni, false
		if muni == "" {
			name, isDept = dept, true
		}
		for _, r := range g.byName[name] {
			if r.dept == id && r.isDept == isDept {
				return nil // a department's capital of the same name
			}
		}
		g.byName[name] = append(g.byName[name], placeRef{id, isDept})
		return nil
	})
	return g, err
}

// region returns the department a folded place name is in, reading it in
// the country given (an alpha-2 code, or "" when unknown), and whether
// the name is the department itself; 0 when the name is not in the
// gazetteer or could be in more than one department (San José, La Unión).
func (g *gazetteer) region(place, country string) (uint16, bool) {
	var dept uint16
	isDept := false
	for _, r := range g.byName[place] {
		if country != "" && g.countryOf[r.dept] != country {
			continue
		}
		if dept != 0 && dept != r.dept {
			return 0, false
		}
		dept = r.dept
		isDept = isDept || r.isDept
	}
	return dept, isDept
}

// sameDepartment reports whether two places that differ as written are
// a department and a place in it (Olancho, Juticalpa).
func sameDepartment(a, b *features) bool {
	return a.region != 0 && a.region == b.region && (a.placeIsDept || b.placeIsDept)
}
