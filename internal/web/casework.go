package web

import (
	"fmt"
	"html/template"
)

// cwArgs hands a partial both the page (for T, Can, CSRF) and one value
// from inside a range: {{template "casework_staff" (cwWith $ .)}}.
type cwArgs struct {
	Root *Page
	V    any
}

func init() {
	addTemplateFuncs(template.FuncMap{
		"cwWith": func(root *Page, v any) cwArgs { return cwArgs{Root: root, V: v} },
		// cwPct is a probability as a whole percentage.
		"cwPct":    func(p float64) string { return fmt.Sprintf("%.0f%%", p*100) },
		"fileSize": fileSize,
	})
}

// fileSize is a file size in bytes, KiB or MiB, rounded once to the nearest
// (it added a half before rounding: 1.2 KiB showed as 2, 5 bytes as 1 KiB).
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}
