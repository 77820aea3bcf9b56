package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/amparo-project/amparo/internal/legal"
)

// The queue page's charts, drawn as inline SVG on the server like the
// occupancy chart: no script, printable, readable under the strict
// content policy; each point and bar carries a <title> with its value.

// roundTop is a round upper bound for an axis over maxV.
func roundTop(maxV int) int {
	if maxV < 1 {
		return 1
	}
	step := math.Pow(10, math.Floor(math.Log10(float64(maxV))))
	return int(math.Ceil(float64(maxV)/step) * step)
}

// unrepresentedWeeksSVG is the weekly count of flagged children without
// counsel; title names the chart (already in the page's language).
func unrepresentedWeeksSVG(lang string, weeks []legal.WeekCount, title string) template.HTML {
	if len(weeks) < 2 {
		return ""
	}
	const w, h, left, bottom, top = 720.0, 220.0, 48.0, 24.0, 10.0
	maxV := 0
	for _, p := range weeks {
		maxV = max(maxV, p.Count)
	}
	top2 := roundTop(maxV)
	x := func(i int) float64 { return left + (w-left-8)*float64(i)/float64(len(weeks)-1) }
	y := func(v int) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(top2)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="unrepresented-weeks" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="unrep-weeks-title"><title id="unrep-weeks-title">%s</title>`,
		w, h, template.HTMLEscapeString(title))
	for _, v := range []int{0, top2 / 2, top2} {
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#d5dae0"/><text x="%.0f" y="%.1f" font-size="11" text-anchor="end">%s</text>`,
			left, w-8, y(v), y(v), left-4, y(v)+4, fmtNum(lang, v))
	}
	pts := make([]string, len(weeks))
	for i, p := range weeks {
		pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(p.Count))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#a33b00" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	for i, p := range weeks {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#a33b00"><title>%s: %s</title></circle>`, x(i), y(p.Count), p.Week, fmtNum(lang, p.Count))
	}
	for _, i := range []int{0, len(weeks) / 2, len(weeks) - 1} {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">%s</text>`, x(i), h-6, weeks[i].Week)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers, dates and the escaped title only
}

// maxBars is how many countries get their own bar; the rest are summed.
const maxBars = 10

// unrepresentedCountriesSVG is a horizontal bar per country of birth;
// label names the special keys ("unknown", "hidden", "other").
func unrepresentedCountriesSVG(lang string, cs []legal.CountryCount, title string, label func(string) string) template.HTML {
	if len(cs) == 0 {
		return ""
	}
	bars := cs
	if len(cs) > maxBars {
		rest := 0
		for _, c := range cs[maxBars-1:] {
			rest += c.Count
		}
		bars = append(append([]legal.CountryCount{}, cs[:maxBars-1]...), legal.CountryCount{Country: "other", Count: rest})
	}
	const w, row, left = 720.0, 22.0, 180.0
	h := row*float64(len(bars)) + 8
	maxV := 0
	for _, c := range bars {
		maxV = max(maxV, c.Count)
	}
	top := roundTop(maxV)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="unrepresented-countries" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="unrep-c-title"><title id="unrep-c-title">%s</title>`,
		w, h, template.HTMLEscapeString(title))
	for i, c := range bars {
		y := 4 + row*float64(i)
		bw := (w - left - 60) * float64(c.Count) / float64(top)
		name := template.HTMLEscapeString(label(c.Country))
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" font-size="12" text-anchor="end">%s</text>`, left-6, y+row*0.65, name)
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="#a33b00"><title>%s: %s</title></rect>`, left, y+3, bw, row-6, name, fmtNum(lang, c.Count))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12">%s</text>`, left+bw+4, y+row*0.65, fmtNum(lang, c.Count))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers and escaped names only
}
