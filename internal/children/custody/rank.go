package custody

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
)

// The placement ranking. A facility is a candidate only if it is open and
// has a free bed of the child's sex and age band (the hard fit, and the
// influx rule below); candidates are then scored by these weights, and
// every point given is explained.
const (
	weightSibling     = 100 // a sibling is placed there: keeping siblings together comes first
	weightLanguage    = 40  // staff speak a language of the child other than Spanish
	weightSpanish     = 10  // staff speak Spanish and the child does
	weightInterpreter = 20  // extra when the child needs an interpreter and staff speak the language
	weightDistanceMax = 50  // closest to the sponsor's state; falls linearly to 0 at 3,000 km
	distanceHorizonKm = 3000.0
	influxMinimumAge  = 13 // influx sites take only children 13 to 17
)

// Recommendation is one ranked facility.
type Recommendation struct {
	Facility *facilities.Facility `json:"facility"`
	FreeBeds int                  `json:"free_beds"` // of the child's sex and age band
	Score    int                  `json:"score"`
	Reasons  []string             `json:"reasons"`
}

// Rank scores facilities for child c of the given age. siblingsAt counts
// the child's placed siblings per facility; sponsorState is the US state
// of the proposed sponsor, "" when none is known.
func Rank(c *Case, age int, facs []*facilities.Facility, siblingsAt map[int64]int, sponsorState string) []Recommendation {
	band := facilities.BandFor(age)
	if c.Sex == "" || band == "" {
		return []Recommendation{}
	}
	out := []Recommendation{}
	for _, f := range facs {
		if f.Status != "open" {
			continue
		}
		if f.Type == "influx" && age < influxMinimumAge {
			continue
		}
		free := 0
		for _, b := range f.Beds {
			if b.Sex == c.Sex && b.AgeBand == band {
				free = b.Capacity - b.Occupied
			}
		}
		if free <= 0 {
			continue
		}
		r := Recommendation{Facility: f, FreeBeds: free}
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d free beds for %s %s", free, sexWord(c.Sex), band))
		if n := siblingsAt[f.ID]; n > 0 {
			r.Score += weightSibling
			r.Reasons = append(r.Reasons, fmt.Sprintf("+%d: %d sibling(s) placed here", weightSibling, n))
		}
		for _, lang := range c.Languages {
			if !speaks(f, lang) {
				continue
			}
			if identity.Fold(lang) == "spanish" || identity.Fold(lang) == "espanol" {
				r.Score += weightSpanish
				r.Reasons = append(r.Reasons, fmt.Sprintf("+%d: staff speak Spanish", weightSpanish))
			} else {
				r.Score += weightLanguage
				r.Reasons = append(r.Reasons, fmt.Sprintf("+%d: staff speak %s", weightLanguage, lang))
				if c.InterpreterNeeded != nil && *c.InterpreterNeeded {
					r.Score += weightInterpreter
					r.Reasons = append(r.Reasons, fmt.Sprintf("+%d: the child needs an interpreter for %s", weightInterpreter, lang))
				}
			}
		}
		switch km, ok := distanceToState(f, sponsorState); {
		case sponsorState == "":
			r.Reasons = append(r.Reasons, "+0: no sponsor location known yet")
		case !ok:
			r.Reasons = append(r.Reasons, "+0: distance to the sponsor unknown (facility or state location missing)")
		default:
			pts := int(math.Round(weightDistanceMax * math.Max(0, 1-km/distanceHorizonKm)))
			r.Score += pts
			r.Reasons = append(r.Reasons, fmt.Sprintf("+%d: about %.0f km from the sponsor's state (%s)", pts, km, sponsorState))
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].FreeBeds != out[j].FreeBeds {
			return out[i].FreeBeds > out[j].FreeBeds
		}
		return out[i].Facility.Name < out[j].Facility.Name
	})
	return out
}

func sexWord(s string) string {
	if s == "F" {
		return "girls"
	}
	return "boys"
}

func speaks(f *facilities.Facility, lang string) bool {
	want := identity.Fold(lang)
	return slices.ContainsFunc(f.Languages, func(l string) bool { return identity.Fold(l) == want })
}

func distanceToState(f *facilities.Facility, st string) (float64, bool) {
	c, ok := stateCentroids[strings.ToUpper(st)]
	if !ok || f.Lat == nil || f.Lon == nil {
		return 0, false
	}
	return haversineKm(*f.Lat, *f.Lon, c[0], c[1]), true
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// stateCentroids are approximate geographic centres of US states (degrees),
// enough to rank facilities by distance to a sponsor's state without
// geocoding a street address.
var stateCentroids = map[string][2]float64{
	"AL": {32.8, -86.8}, "AK": {64.0, -150.0}, "AZ": {34.3, -111.7}, "AR": {34.9, -92.4}, "CA": {37.2, -119.5},
	"CO": {39.0, -105.5}, "CT": {41.6, -72.7}, "DE": {39.0, -75.5}, "DC": {38.9, -77.0}, "FL": {28.6, -82.4},
	"GA": {32.7, -83.4}, "HI": {20.8, -156.3}, "ID": {44.4, -114.6}, "IL": {40.0, -89.2}, "IN": {39.9, -86.3},
	"IA": {42.1, -93.5}, "KS": {38.5, -98.4}, "KY": {37.5, -85.3}, "LA": {31.1, -92.0}, "ME": {45.4, -69.2},
	"MD": {39.0, -76.8}, "MA": {42.3, -71.8}, "MI": {44.3, -85.4}, "MN": {46.3, -94.3}, "MS": {32.7, -89.7},
	"MO": {38.4, -92.5}, "MT": {47.0, -109.6}, "NE": {41.5, -99.8}, "NV": {39.3, -116.6}, "NH": {43.7, -71.6},
	"NJ": {40.2, -74.7}, "NM": {34.4, -106.1}, "NY": {42.9, -75.5}, "NC": {35.6, -79.4}, "ND": {47.5, -100.5},
	"OH": {40.3, -82.8}, "OK": {35.6, -97.5}, "OR": {43.9, -120.6}, "PA": {40.9, -77.8}, "RI": {41.7, -71.5},
	"SC": {33.9, -80.9}, "SD": {44.4, -100.2}, "TN": {35.9, -86.4}, "TX": {31.5, -99.3}, "UT": {39.3, -111.7},
	"VT": {44.1, -72.7}, "VA": {37.5, -78.8}, "WA": {47.4, -120.5}, "WV": {38.6, -80.6}, "WI": {44.6, -89.9},
	"WY": {43.0, -107.6},
}
