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
		"cwPct": func(p float64) string { return fmt.Sprintf("%.0f%%", p*100) },
		// cwSize is a file size in KiB or MiB.
		"cwSize": func(n int64) string {
			if n >= 1<<20 {
				return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
			}
			return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10)+0.5)
		},
	})
}
