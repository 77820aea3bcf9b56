package web

import (
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/legal"
)

// TestSVGChartsWriteNumbersAsThePage: the queue page's SVG charts (and
// the facilities' occupancy chart, drawn the same way) write
// their axis, bar and point numbers as the page's tables do (numbers.go),
// in both languages: "%d" wrote 12345 beside a table reading 12,345.
func TestSVGChartsWriteNumbersAsThePage(t *testing.T) {
	weeks := []legal.WeekCount{{Week: "2026-01-05", Count: 12345}, {Week: "2026-01-12", Count: 20}}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	occ := []custody.OccupancyPoint{{At: day, Occupied: 12345}, {At: day.AddDate(0, 0, 1), Occupied: 3}}
	countries := []legal.CountryCount{{Country: "GTM", Count: 12345}, {Country: "HND", Count: 7}}
	for _, c := range []struct {
		name, svg string
		want      []string
	}{
		{"weeks es", string(unrepresentedWeeksSVG("es", weeks, "t")), []string{">20,000</text>", ">10,000</text>", "<title>2026-01-05: 12,345</title>"}},
		{"weeks en", string(unrepresentedWeeksSVG("en", weeks, "t")), []string{">20,000</text>", "<title>2026-01-05: 12,345</title>"}},
		{"occupancy es", string(childOccupancyChart("es", occ, "%s – %s")), []string{">20,000</text>", "<title>2026-01-05: 12,345</title>"}},
		{"occupancy en", string(childOccupancyChart("en", occ, "%s – %s")), []string{">20,000</text>", "<title>2026-01-05: 12,345</title>"}},
		{"countries es", string(unrepresentedCountriesSVG("es", countries, "t", func(s string) string { return s })), []string{"<title>GTM: 12,345</title>", ">12,345</text>", ">7</text>"}},
		{"countries en", string(unrepresentedCountriesSVG("en", countries, "t", func(s string) string { return s })), []string{"<title>GTM: 12,345</title>", ">12,345</text>"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.svg, w) {
				t.Errorf("%s: lacks %q", c.name, w)
			}
		}
		if strings.Contains(c.svg, "12345") || strings.Contains(c.svg, "12.345") {
			t.Errorf("%s: writes 12345 raw or in Spain's way", c.name)
		}
	}
}
