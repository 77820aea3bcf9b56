package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

//go:embed templates
var templateFiles embed.FS

// templateFuncs are available in every page. A domain adds its own from an
// init function in its own file with addTemplateFuncs.
var templateFuncs = template.FuncMap{
	"fmtTime": func(t time.Time, zone string) string {
		if t.IsZero() {
			return ""
		}
		loc, err := time.LoadLocation(zone)
		if err != nil || zone == "" {
			loc = time.UTC
		}
		return t.In(loc).Format("2006-01-02 15:04 MST")
	},
	"fmtDate": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	},
	"add":  func(a, b int) int { return a + b },
	"join": strings.Join,
}

func addTemplateFuncs(m template.FuncMap) {
	for k, v := range m {
		templateFuncs[k] = v
	}
}

// parsePages parses each templates/<page>.html together with the layout
// and the shared pieces in templates/partials/.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFiles, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFiles, append([]string{"templates/layout.html", f}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// Page is what every template receives. Templates translate with
// {{.T "key"}} (or {{$.T "key"}} inside range) and read their own data
// from .Data.
type Page struct {
	Lang string
	User *auth.Principal
	CSRF string
	// Path is the current request URI, for the language switch.
	Path string
	Nav  []NavItem
	Data any
	s    *kit
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.s.translate(p.Lang, key, args...) }

// TOr translates key, or gives fallback when no message has that key (a
// unit or name that came with imported data and has no translation).
func (p *Page) TOr(key, fallback string) string {
	if t := p.s.translate(p.Lang, key); t != key {
		return t
	}
	return fallback
}

// Langs is a list of language names as recorded, joined by ", ", each in
// the page's language when it has words there ("Spanish" is "español" on
// a Spanish page; a name with none, such as "Mam", stays as recorded).
func (p *Page) Langs(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p.TOr("language."+n, n)
	}
	return strings.Join(out, ", ")
}

// Msg is a domain's message (a reason, a rule, a problem) in the page's
// language: the words of its key in problemMessages, or msg as it is.
func (p *Page) Msg(msg string) string { return p.s.problemText(p.Lang, msg) }

// ErrMsg is an error page's message in the page's language: a refusal's
// words by its key, and a 422's "invalid: field: problem; ..." with each
// problem's words (the field names are the form's and stay).
func (p *Page) ErrMsg(msg string) string {
	rest, ok := strings.CutPrefix(msg, "invalid: ")
	if !ok {
		return p.s.problemText(p.Lang, keyedTail(msg))
	}
	// Problems are joined by "; ", which a problem may hold itself ("its
	// content is %s; accepted: ..."): a piece that completes the previous
	// problem into a known message is part of it.
	type fieldProblem struct{ field, problem string }
	var fps []fieldProblem
	for _, part := range strings.Split(rest, "; ") {
		if n := len(fps); n > 0 {
			if _, _, known := problemKey(fps[n-1].problem + "; " + part); known {
				fps[n-1].problem += "; " + part
				continue
			}
		}
		field, problem, ok := strings.Cut(part, ": ")
		if !ok {
			field, problem = "", part
		}
		fps = append(fps, fieldProblem{field, problem})
	}
	parts := make([]string, len(fps))
	for i, fp := range fps {
		parts[i] = p.s.problemText(p.Lang, fp.problem)
		if fp.field != "" {
			parts[i] = fp.field + ": " + parts[i]
		}
	}
	return p.s.translate(p.Lang, "error.422") + ": " + strings.Join(parts, "; ")
}

// keyedTail is the part of a wrapped error that has words of its own:
// "legal: decline referral 4: referral 4 is accepted, not awaiting an
// answer" is shown by its last part's key, the wrapping being the
// server's account of where it happened. msg itself when no part has a key.
func keyedTail(msg string) string {
	for rest := msg; ; {
		if _, _, known := problemKey(rest); known {
			return rest
		}
		var found bool
		if _, rest, found = strings.Cut(rest, ": "); !found {
			return msg
		}
	}
}

// Can reports whether the viewer holds perm, for showing or hiding links.
func (p *Page) Can(perm string) bool {
	return p.User != nil && auth.Allowed(p.User.Role, auth.Permission(perm))
}

// render writes a page; it renders into a buffer first so that a template
// error becomes a clean 500, not half a page.
func (s *kit) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.ErrorContext(r.Context(), "missing template", "name", name)
		http.Error(w, "internal error: missing template "+name, http.StatusInternalServerError)
		return
	}
	p := s.page(r, data)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.ErrorContext(r.Context(), "render", "name", name, "request_id", requestIDOf(r), "err", err)
		http.Error(w, "internal error rendering the page (request id "+requestIDOf(r)+")", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// switchPath is where the language switch leads back to: the page itself;
// for the answer to a form (a refused submission is shown at the form's
// address, which has no page to GET: the switch led to a 404) the page the
// form was on, which the same-origin Referer names.
func switchPath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && u.Path != "" {
		return u.RequestURI()
	}
	return "/"
}

func (s *kit) page(r *http.Request, data any) *Page {
	p := &Page{Lang: langOf(r), Path: switchPath(r), Data: data, s: s}
	st := stateOf(r)
	if st.ok {
		pr := st.principal
		p.User = &pr
	}
	if st.session != nil {
		p.CSRF = st.session.CSRFToken
	}
	for _, item := range navItems {
		if item.Perm == auth.Anyone || (p.User != nil && auth.Allowed(p.User.Role, item.Perm)) {
			item.Current = strings.HasPrefix(r.URL.Path, item.Href) && (item.Href != "/" || r.URL.Path == "/")
			p.Nav = append(p.Nav, item)
		}
	}
	return p
}

// faviconRedirect answers browsers that ask for /favicon.ico before
// reading the page's icon link.
func faviconRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
}
