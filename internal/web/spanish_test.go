package web

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// templateWords finds the words a template writes as they are, not
// through the translator: the text between tags, and the attributes a
// person reads (placeholder, title, aria-label, alt). Tags, entities,
// numbers and punctuation are not words.
var (
	tagOrComment = regexp.MustCompile(`(?s)<!--.*?-->|<[a-zA-Z/!][^<>]*>`)
	readAttr     = regexp.MustCompile(`(?i)\b(placeholder|title|aria-label|alt)="([^"]*)"`)
	aWord        = regexp.MustCompile(`\p{L}{2,}`)
)

// untranslatedOK are literal words that read the same in both languages:
// codes, units of the SI, proper names and examples of what to type.
var untranslatedOK = map[string]bool{
	"Amparo": true, "UTC": true, "CSV": true, "JSON": true, "IATI": true, "XML": true, "API": true,
	"km": true, "ORR": true, "HHS": true, "MASE": true, "sMAPE": true, "ISO": true, "URL": true, "SHA": true,
	// Each language's own name, in the switch.
	"English": true, "Español": true,
	// The fiscal-year code the forms accept and the aid pages print
	// ("FY2014").
	"FY": true,
}

// pageText is a template's text with each action as "\x00": both
// branches of an if, in order, so that tags cut by an action are whole.
func pageText(n parse.Node, b *strings.Builder) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			pageText(c, b)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.IfNode:
		pageText(n.List, b)
		pageText(n.ElseList, b)
	case *parse.RangeNode:
		pageText(n.List, b)
		pageText(n.ElseList, b)
	case *parse.WithNode:
		pageText(n.List, b)
		pageText(n.ElseList, b)
	default:
		b.WriteString("\x00")
	}
}

// TestTemplatesHaveNoLiteralWords fails when a template writes a word as
// it is, so that the page would not change with its language: every
// word goes through {{.T "key"}} (and so has its Spanish, by
// TestMessagesTranslated).
func TestTemplatesHaveNoLiteralWords(t *testing.T) {
	funcs := map[string]any{}
	for _, builtin := range []string{"printf", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "index", "len", "slice", "html", "js", "print", "println", "urlquery", "call"} {
		funcs[builtin] = fmt.Sprint
	}
	for k, v := range templateFuncs {
		funcs[k] = v
	}
	files, err := fs.Glob(templateFiles, "templates/*.*")
	if err != nil {
		t.Fatal(err)
	}
	partials, _ := fs.Glob(templateFiles, "templates/partials/*.html")
	for _, f := range append(files, partials...) {
		b, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := parse.Parse(f, string(b), "{{", "}}", funcs)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tree := range trees {
			var page strings.Builder
			pageText(tree.Root, &page)
			for _, txt := range []string{page.String()} {
				var words []string
				for _, m := range readAttr.FindAllStringSubmatch(txt, -1) {
					words = append(words, aWord.FindAllString(m[2], -1)...)
				}
				txt = regexp.MustCompile(`(?s)<script[^>]*>.*?</script>|<style[^>]*>.*?</style>`).ReplaceAllString(txt, " ")
				txt = tagOrComment.ReplaceAllString(txt, " ")
				txt = regexp.MustCompile(`&[a-zA-Z#0-9]+;`).ReplaceAllString(txt, " ")
				words = append(words, aWord.FindAllString(txt, -1)...)
				for _, w := range words {
					if !untranslatedOK[w] {
						t.Errorf("%s (%s): %q is written as it is, not through {{.T}}", filepath.Base(f), tree.Name, w)
					}
				}
			}
		}
	}
}

// TestDomainMessagesHaveKeys fails when the children domain adds a
// message a page shows (a field problem, a refusal, a reason in the
// placement table, the checklist or the timeline) with no key in
// problemMessages, so no Spanish. It reads the domain's source: each
// format given to ValidationError.Add, FieldError.Problem, errs.Conflict,
// ConflictError.Msg, a reason appended, a rule's "when".
func TestDomainMessagesHaveKeys(t *testing.T) {
	var msgs []string
	consts := map[string]string{}
	for _, dir := range []string{"../children/custody", "../children/release", "../legal", "../tracing/requests", "../aid", "../indicators"} {
		fset := token.NewFileSet()
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			// The CSV import reports to the file's sender in the API, not
			// on a page.
			if strings.HasSuffix(name, "_test.go") || filepath.Base(name) == "import.go" {
				continue
			}
			file, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if vs, ok := n.(*ast.ValueSpec); ok {
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := strLit(vs.Values[i]); ok {
								consts[name.Name] = s
							}
						}
					}
				}
				msgs = append(msgs, shownMessages(n, consts)...)
				return true
			})
		}
	}
	if len(msgs) < 40 {
		t.Fatalf("found only %d messages: the reading of the source is broken", len(msgs))
	}
	// Not messages: a source's key in a 3-field table row, and the
	// formats that only carry another error on (its own words are keyed).
	notShown := map[string]bool{"": true, "%v": true, "cbp-nationwide": true, "owid": true}
	registered := map[string]bool{}
	for _, m := range problemMessages {
		registered[m.format] = true
	}
	for _, m := range msgs {
		if !registered[m] && !notShown[m] {
			t.Errorf("the domain message %q has no key in problemMessages (cases_pages.go), so no Spanish", m)
		}
	}
}

func strLit(e ast.Expr) (string, bool) {
	if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
		s, err := strconv.Unquote(bl.Value)
		return s, err == nil
	}
	return "", false
}

// format is the message e makes: a literal, or fmt.Sprintf's format.
func format(e ast.Expr, consts map[string]string) (string, bool) {
	if s, ok := strLit(e); ok {
		return s, true
	}
	if id, ok := e.(*ast.Ident); ok {
		s, ok := consts[id.Name]
		return s, ok
	}
	if call, ok := e.(*ast.CallExpr); ok {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(call.Args) > 0 {
			return strLit(call.Args[0])
		}
	}
	return "", false
}

// shownMessages are the messages node n makes that a page shows.
func shownMessages(n ast.Node, consts map[string]string) []string {
	var out []string
	add := func(e ast.Expr) {
		if s, ok := format(e, consts); ok && s != "%s" {
			out = append(out, s)
		}
	}
	switch n := n.(type) {
	case *ast.CallExpr:
		if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "append" && len(n.Args) == 2 {
			if s, ok := n.Args[0].(*ast.SelectorExpr); ok && s.Sel.Name == "Reasons" {
				add(n.Args[1])
			}
		}
		sel, ok := n.Fun.(*ast.SelectorExpr)
		if !ok {
			return out
		}
		switch {
		case sel.Sel.Name == "Add" && len(n.Args) >= 2:
			if s, ok := format(n.Args[1], consts); ok && s == "%s" && len(n.Args) == 3 {
				add(n.Args[2]) // v.Add(field, "%s", unstorable)
			} else {
				add(n.Args[1])
			}
		case sel.Sel.Name == "Conflict" && len(n.Args) >= 1:
			add(n.Args[0])
		}
	case *ast.KeyValueExpr:
		if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Problem" || k.Name == "Msg" || k.Name == "Reason") {
			add(n.Value)
		}
	case *ast.CompositeLit:
		// VettingRules rows: {Step, "when", func}; ownAction's values.
		for _, el := range n.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if _, ok := kv.Key.(*ast.SelectorExpr); ok {
					add(kv.Value) // map[State]string{StatePlaced: "..."}
				}
				if _, ok := kv.Key.(*ast.Ident); ok && isStateKey(kv.Key) {
					add(kv.Value)
				}
			}
		}
		if len(n.Elts) == 3 {
			if _, ok := n.Elts[2].(*ast.FuncLit); ok {
				add(n.Elts[1])
			}
			if _, ok := n.Elts[2].(*ast.CallExpr); ok {
				add(n.Elts[1])
			}
			if id, ok := n.Elts[2].(*ast.Ident); ok && id.Name == "anyCategory" {
				add(n.Elts[1])
			}
		}
	}
	return out
}

// isStateKey: a key such as StatePlaced in ownAction.
func isStateKey(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && strings.HasPrefix(id.Name, "State")
}

// getLang is a page as admin in lang.
func (e *testEnv) getLang(t *testing.T, lang, path string) string {
	t.Helper()
	status, body := e.getLangAny(t, lang, path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, status)
	}
	return body
}

// getLangAny is a page as admin in lang, with its status.
func (e *testEnv) getLangAny(t *testing.T, lang, path string) (int, string) {
	t.Helper()
	return e.getAs(t, e.tokens[auth.RoleAdmin], lang, path)
}

// noFmtErrors fails a test whose page shows a fmt error ("%!d(string=x)",
// "95%!i(MISSING)"): a message printed with the wrong arguments.
func noFmtErrors(t *testing.T, path string, body []byte) {
	t.Helper()
	if i := bytes.Index(body, []byte("%!")); i >= 0 {
		t.Errorf("GET %s shows a fmt error: %q", path, body[max(0, i-60):min(len(body), i+60)])
	}
}

// TestCasePagesInSpanish: what the domain writes and a page shows (the
// placement table's reasons, the timeline's lines, the checklist's rules)
// reads in Spanish on a Spanish page, codes as words.
func TestCasePagesInSpanish(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	id := uxCase(t, env)
	for _, to := range []string{"in_border_custody", "referred"} {
		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), auth.RoleAdmin, `{"state":"`+to+`"}`, 200)
	}
	sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul","relationship":"first_cousin"}`, id), 201)
	spID := int64(sp["id"].(float64))
	env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"identity_proof","result":"passed","notes":"passport 123"}`, 200)
	pages := []struct {
		path      string
		es        []string
		notInEs   []string
		enStaysEn string
	}{
		{fmt.Sprintf("/cases/%d", id),
			[]string{"camas libres para niñas de 13-17 años", fmt.Sprintf("patrocinador %d propuesto (primo/a hermano/a", spID), fmt.Sprintf("patrocinador %d: Prueba de identidad, aprobado", spID)},
			[]string{"free beds", "proposed", ": identity_proof", "(first_cousin"}, "free beds for girls"},
		{fmt.Sprintf("/sponsors/%d", spID), []string{"todos los patrocinadores"}, []string{"all sponsors"}, "all sponsors"},
	}
	for _, p := range pages {
		es := env.getLang(t, "es", p.path)
		for _, s := range p.es {
			if !strings.Contains(es, s) {
				t.Errorf("%s in Spanish lacks %q", p.path, s)
			}
		}
		for _, s := range p.notInEs {
			if strings.Contains(es, s) {
				t.Errorf("%s in Spanish still shows %q", p.path, s)
			}
		}
		if en := env.getLang(t, "en", p.path); !strings.Contains(en, p.enStaysEn) {
			t.Errorf("%s in English lacks %q", p.path, p.enStaysEn)
		}
	}
}

// TestKeyedMessagesKeepTheirValues: a domain message's Spanish carries
// the same values as its English, in the same order, or the page would
// print a value in the wrong place (or "%!d(string=...)").
func TestKeyedMessagesKeepTheirValues(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%(\.0f|[dsqv])`)
	n := 0
	for key, en := range cats["en"] {
		if !strings.Contains(key, ".msg.") {
			continue
		}
		n++
		es, ok := cats["es"][key]
		if !ok {
			t.Errorf("%s has no Spanish", key)
			continue
		}
		if a, b := strings.Join(verbs.FindAllString(en, -1), " "), strings.Join(verbs.FindAllString(es, -1), " "); a != b {
			t.Errorf("%s: English carries %q, Spanish %q", key, a, b)
		}
	}
	if n < 100 {
		t.Fatalf("only %d keyed messages: the registration reads the wrong keys", n)
	}
	for key := range msgArgKeys {
		if _, ok := cats["en"][key]; !ok {
			t.Errorf("msgArgKeys names %s, which no i18n file holds", key)
		}
	}
}

// TestLegalTimelineInSpanish: the reasons legal writes onto the case's
// timeline (a screening, with the flags it raised) read in the page's
// language, the relief's code as words.
func TestLegalTimelineInSpanish(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
	id := legalPlacedChild(t, env, int64(fac["id"].(float64)), "Ana")
	env.call(t, "PUT", fmt.Sprintf("/api/v1/cases/%d/screening", id), auth.RoleAdmin, legalAnswersJSON("forced_work"), 200)
	es := env.getLang(t, "es", fmt.Sprintf("/cases/%d", id))
	if want := "evaluación legal · evaluación legal registrada: señales: Visa T (trata)"; !strings.Contains(es, want) {
		t.Errorf("the Spanish timeline lacks %q", want)
	}
	for _, s := range []string{"legal screening recorded", "children.event.legal"} {
		if strings.Contains(es, s) {
			t.Errorf("the Spanish timeline still shows %q", s)
		}
	}
	en := env.getLang(t, "en", fmt.Sprintf("/cases/%d", id))
	if want := "legal screening recorded: flags T visa (trafficking)"; !strings.Contains(en, want) {
		t.Errorf("the English timeline lacks %q", want)
	}
}

// TestErrorPageInSpanish: a bare error page says what its status means in
// the page's language, and a domain message with a key in its words.
func TestErrorPageInSpanish(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	status, body := env.getLangAny(t, "es", "/cases/987654")
	if status != http.StatusNotFound || !strings.Contains(body, "No existe esa página o registro") {
		t.Errorf("404 in Spanish: %d, lacks its sentence", status)
	}
	if strings.Contains(body, "not found") {
		t.Errorf("the Spanish 404 shows the server's English account: %s", body[strings.Index(body, "<main"):])
	}
	if !strings.Contains(body, "<title>404 No encontrado · Amparo</title>") {
		t.Errorf("the Spanish 404's title is not in Spanish: %s", body[strings.Index(body, "<title>"):strings.Index(body, "</title>")])
	}
	p := &Page{Lang: "es", s: env.srv.kit}
	cases := []struct{ msg, want string }{
		{"invalid: encountered_at: is in the future", "No válido: encountered_at: Está en el futuro."},
		// A problem that holds "; " itself stays whole.
		{"invalid: file: its content is text/html; accepted: PDF, PNG, JPEG, plain text; title: a task needs a title",
			"No válido: file: su contenido es text/html; se aceptan: PDF, PNG, JPEG, texto simple; title: una tarea necesita un título"},
		{"case 4 already has an open referral", "el caso 4 ya tiene una derivación abierta"},
		{"an unkeyed message stays as it is", "an unkeyed message stays as it is"},
		// The server's own refusals (server.go, middleware.go).
		{"No such page: /nope", "No existe la página /nope"},
		{"PUT is not allowed here; use GET, HEAD", "PUT no está permitido aquí; use GET, HEAD"},
		{"Your role (public) may not do this.", "Su rol (público) no permite hacer esto."},
		// A wrapped refusal is shown by the part that has words.
		{"legal: decline referral 4: referral 4 is accepted, not awaiting an answer", "la derivación 4 está aceptada: con representación, no espera respuesta"},
		{"request 40 is already closed", "la solicitud 40 ya está cerrada"},
		{"candidate 7 was already rejected", "el candidato 7 ya estaba rechazado"},
		{"custody: place case 3: the facility is not open", "El centro no está abierto: elija otro."},
		{"tracing: decide: candidate 7 was decided by someone else meanwhile", "otra persona decidió sobre el candidato 7 mientras tanto"},
	}
	for _, c := range cases {
		if got := p.ErrMsg(c.msg); got != c.want {
			t.Errorf("ErrMsg(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

// TestFacilityPagesInSpanish: a facility's status and its staff's
// languages are words of the page's language, not the recorded codes and
// English names ("closed", "Spanish"); a language with no other name stays.
func TestFacilityPagesInSpanish(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	f := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Cerrada","type":"shelter","tz":"America/Chicago","status":"closed","languages":["Spanish","Mam"],"beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	for path, want := range map[string]string{
		fmt.Sprintf("/facilities/%d", int64(f["id"].(float64))): `español, Mam · <span class="warn">cerrado</span>`,
		"/facilities": "<td>español, Mam</td>",
	} {
		if body := env.getLang(t, "es", path); !strings.Contains(body, want) {
			t.Errorf("%s in Spanish lacks %q", path, want)
		}
	}
	// The occupancy chart's title and its data's label too.
	body := env.getLang(t, "es", "/facilities")
	for _, want := range []string{`<title id="occ-title">Niños y niñas bajo cuidado, del `, `niños y niñas bajo cuidado`} {
		if !strings.Contains(body, want) {
			t.Errorf("/facilities in Spanish lacks %q", want)
		}
	}
	if strings.Contains(body, "hildren in care") {
		t.Errorf("/facilities in Spanish says %q", "children in care")
	}
}

// TestLanguageSwitchAfterRefusal: a refused form is shown at the form's
// address, which has no page of its own; the language switch there leads
// back to the page the form was on (it led to a 404).
func TestLanguageSwitchAfterRefusal(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	for referer, want := range map[string]string{
		env.ts.URL + "/tracing/new?x=1":  `href="/lang/en?next=%2ftracing%2fnew%3fx%3d1"`,
		"":                               `href="/lang/en?next=%2f"`,
		"https://elsewhere.example/page": `href="/lang/en?next=%2f"`,
	} {
		req, _ := http.NewRequest("POST", env.ts.URL+"/tracing/requests", strings.NewReader("seeker.given_names="))
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", referer)
		req.AddCookie(&http.Cookie{Name: "lang", Value: "es"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), want) {
			i := strings.Index(string(b), `href="/lang/en`)
			t.Errorf("referer %q: %d, want %s; has %.80s", referer, resp.StatusCode, want, string(b)[max(i, 0):])
		}
	}
}
