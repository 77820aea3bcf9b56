package legal

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Court is one immigration court (data/README.md says where the list
// comes from).
type Court struct {
	Name  string `json:"name"`
	City  string `json:"city"`
	State string `json:"state"`
}

//go:embed data/immigration_courts.csv
var courtsCSV []byte

// parseCourts reads the court list: a header name,city,state and one
// court a line.
func parseCourts(r io.Reader) ([]Court, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("legal: immigration courts: %w", err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "name,city,state" {
		return nil, fmt.Errorf("legal: immigration courts: the header must be name,city,state")
	}
	out := []Court{}
	for i, r := range rows[1:] {
		c := Court{Name: strings.TrimSpace(r[0]), City: strings.TrimSpace(r[1]), State: strings.TrimSpace(r[2])}
		if c.Name == "" || len(c.State) != 2 {
			return nil, fmt.Errorf("legal: immigration courts line %d: a name and a two-letter state are needed", i+2)
		}
		out = append(out, c)
	}
	return out, nil
}

// shippedCourts is the embedded list; a malformed file stops the build's
// tests, not a child's record.
func shippedCourts() []Court {
	cs, err := parseCourts(bytes.NewReader(courtsCSV))
	if err != nil {
		panic(err)
	}
	return cs
}
