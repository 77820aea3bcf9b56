package web

import "html/template"

// cwArgs hands a partial both the page (for T, Can, CSRF) and one value
// from inside a range: {{template "casework_staff" (cwWith $ .)}}.
type cwArgs struct {
	Root *Page
	V    any
}

func init() {
	addTemplateFuncs(template.FuncMap{
		"cwWith": func(root *Page, v any) cwArgs { return cwArgs{Root: root, V: v} },
	})
}
