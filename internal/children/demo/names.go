// Package demo holds the name lists used to generate synthetic cases. See
// README.md for where they come from.
package demo

import (
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
)

//go:embed *.csv
var files embed.FS

// Weighted is a name with its sampling weight.
type Weighted struct {
	Name   string
	Weight int
}

// Load reads one of given_f.csv, given_m.csv or surnames.csv.
func Load(name string) ([]Weighted, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo: read %s: %w", name, err)
	}
	var out []Weighted
	for i, r := range recs {
		if i == 0 {
			continue
		}
		n, err := strconv.Atoi(r[1])
		if err != nil {
			return nil, fmt.Errorf("demo: %s line %d: %w", name, i+1, err)
		}
		out = append(out, Weighted{r[0], n})
	}
	return out, nil
}
