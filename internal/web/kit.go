package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/errs"
)

// The handler skeleton every JSON endpoint shares (read the path id, decode
// the body, call one domain method, map its error, answer JSON) is written
// once here. A domain's route table names its service methods directly:
//
//	{Method: "PATCH", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseUpdate,
//		Handler: withIDBody(h.kit, http.StatusOK, h.cases.UpdateIdentity)}
//
// Handlers that do more (pages, forms, files) are written out by hand.

// noBody is the input of endpoints that take no request body.
type noBody struct{}

// jsonCall answers call's result as JSON with status, or its error through
// domainError.
func jsonCall[Out any](k *kit, w http.ResponseWriter, r *http.Request, status int, out Out, err error) {
	if err != nil {
		k.domainError(w, r, err)
		return
	}
	k.writeJSON(w, status, out)
}

// withBody serves call with the decoded JSON body.
func withBody[In, Out any](k *kit, status int, call func(context.Context, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		if !k.decodeJSON(w, r, &in) {
			return
		}
		out, err := call(r.Context(), in)
		jsonCall(k, w, r, status, out, err)
	}
}

// withID serves call with the {id} path value.
func withID[Out any](k *kit, status int, call func(context.Context, int64) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := k.pathID(w, r, "id")
		if !ok {
			return
		}
		out, err := call(r.Context(), id)
		jsonCall(k, w, r, status, out, err)
	}
}

// withIDs serves call with the {id} path value and a second id path value
// named item (an item of the record, such as a case's task).
func withIDs[Out any](k *kit, status int, item string, call func(context.Context, int64, int64) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, sub, ok := k.pathIDs(w, r, item)
		if !ok {
			return
		}
		out, err := call(r.Context(), id, sub)
		jsonCall(k, w, r, status, out, err)
	}
}

// withIDBody serves call with the {id} path value and the decoded body.
func withIDBody[In, Out any](k *kit, status int, call func(context.Context, int64, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := k.pathID(w, r, "id")
		if !ok {
			return
		}
		var in In
		if !k.decodeJSON(w, r, &in) {
			return
		}
		out, err := call(r.Context(), id, in)
		jsonCall(k, w, r, status, out, err)
	}
}

// withQuery serves call with the input parse reads from the request (query
// parameters); a parse error is a 400 with its message.
func withQuery[In, Out any](k *kit, status int, parse func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := parse(r)
		if err != nil {
			k.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
			return
		}
		out, err := call(r.Context(), in)
		jsonCall(k, w, r, status, out, err)
	}
}

// A refused form (422, 409) is answered with the page it came from: the
// values typed, each problem beside its field, in the page's language. The
// domains speak English with the values in their messages ("longer than 200
// characters"); problemMessages turns each message, matched by its format,
// into the key of its words, the values carried over.

// problemMessage is one domain message (a fmt format with %d, %s or %q)
// and the key of its words; argKeys[i], when set, is the key prefix that
// turns the i-th value, a code such as a state, into words.
type problemMessage struct {
	format, key string
	argKeys     []string
	re          *regexp.Regexp
	// typed: the words keep the format's verbs (%d gets a number), as the
	// "<domain>.msg." keys do; the older keys write every value with %s.
	typed bool
	verbs []byte
}

var problemMessages []problemMessage

// problemWords turns an error a domain type carries (not a plain message)
// into words; a domain adds its own with addProblemWords.
var problemWords []func(tr func(key string, args ...any) string, err error) (string, bool)

// addProblemMessages registers messages from an init function.
func addProblemMessages(ms ...problemMessage) {
	verb := regexp.MustCompile(`%(\.0f|[dsq])`)
	for _, m := range ms {
		var pat strings.Builder
		pat.WriteString("^")
		last := 0
		for _, loc := range verb.FindAllStringIndex(m.format, -1) {
			pat.WriteString(regexp.QuoteMeta(m.format[last:loc[0]]))
			m.verbs = append(m.verbs, m.format[loc[0]+1])
			switch m.format[loc[0]+1] {
			case 'd', '.':
				pat.WriteString(`(-?\d+)`)
			case 'q':
				pat.WriteString(`"(.*)"`)
			default:
				pat.WriteString(`(.*)`)
			}
			last = loc[1]
		}
		pat.WriteString(regexp.QuoteMeta(m.format[last:]) + "$")
		m.re = regexp.MustCompile(pat.String())
		problemMessages = append(problemMessages, m)
	}
}

func addProblemWords(f func(tr func(key string, args ...any) string, err error) (string, bool)) {
	problemWords = append(problemWords, f)
}

// problemKey is the registered message msg matches, if any.
func problemKey(msg string) (problemMessage, []string, bool) {
	for _, m := range problemMessages {
		if sub := m.re.FindStringSubmatch(msg); sub != nil {
			return m, sub[1:], true
		}
	}
	return problemMessage{}, nil, false
}

// problemText is msg in lang: its key's words with the values it carried,
// or msg itself when no key matches (TestDomainMessagesHaveKeys keeps that
// from happening for the messages the pages show).
func (k *kit) problemText(lang, msg string) string {
	m, vals, ok := problemKey(msg)
	if !ok {
		return msg
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
		if m.typed && i < len(m.verbs) && m.verbs[i] == 'd' {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				args[i] = n
			}
		}
		if i < len(m.argKeys) && m.argKeys[i] != "" {
			args[i] = k.argWords(lang, m.argKeys[i], v)
		}
	}
	return k.translate(lang, m.key, args...)
}

// argWords is value v in lang by argKey: "*" is a message of its own
// ("flags asylum" inside "legal screening recorded: %s"); "prefix[]" a
// list joined by ", " whose items are codes; else prefix+v is the key of
// a code's words. A value with no words stays as it is.
func (k *kit) argWords(lang, argKey, v string) string {
	switch {
	case argKey == "*":
		return k.problemText(lang, v)
	case strings.HasSuffix(argKey, "[]"):
		items := strings.Split(v, ", ")
		for i, it := range items {
			items[i] = k.argWords(lang, strings.TrimSuffix(argKey, "[]"), it)
		}
		return strings.Join(items, ", ")
	}
	if w, ok := k.msgs[lang][argKey+v]; ok {
		return w
	}
	return v
}

// formProblems is a refused form's problems in the page's language, by
// field; "" holds those of the whole form (a 409's refusal).
type formProblems map[string]string

// refusal is what a form shows of err: its field problems (422) or its
// refusal (409), with the status to answer. ok is false for any other
// error, which domainError answers.
func (k *kit) refusal(r *http.Request, err error) (formProblems, int, bool) {
	lang := langOf(r)
	out := formProblems{}
	add := func(field, msg string) {
		if prev, ok := out[field]; ok {
			msg = prev + " " + msg
		}
		out[field] = msg
	}
	tr := func(key string, args ...any) string { return k.translate(lang, key, args...) }
	if fes := errs.Fields(err); len(fes) > 0 {
		for _, fe := range fes {
			add(fe.Field, k.problemText(lang, fe.Problem))
		}
		return out, http.StatusUnprocessableEntity, true
	}
	if !errors.Is(err, errs.ErrConflict) {
		return nil, 0, false
	}
	for _, words := range problemWords {
		if msg, ok := words(tr, err); ok {
			add("", msg)
			return out, http.StatusConflict, true
		}
	}
	msg := err.Error()
	var ce *errs.ConflictError
	if errors.As(err, &ce) {
		msg = ce.Msg
	}
	add("", k.problemText(lang, msg))
	return out, http.StatusConflict, true
}

// refusedForm is a refused form as its page re-shows it. Its methods are
// safe on nil (no form was refused), so a template calls them always:
//
//	<input name="surname1" value="{{$rf.Val "identity" "surname1" $c.Surname1}}">
//	{{$rf.Err "identity" "surname1"}}
type refusedForm struct {
	Name     string
	Values   url.Values
	Problems formProblems
}

// Is reports whether form is the refused one.
func (f *refusedForm) Is(form string) bool { return f != nil && f.Name == form }

// Val is what was typed in field when form was refused, else def.
func (f *refusedForm) Val(form, field, def string) string {
	if !f.Is(form) {
		return def
	}
	return f.Values.Get(field)
}

// Checked is a checkbox's state: as sent when form was refused, else def.
func (f *refusedForm) Checked(form, field string, def bool) bool {
	if !f.Is(form) {
		return def
	}
	return f.Values.Get(field) != ""
}

// Err is the problem of field beside it ("" for the form's own, shown
// above it), with an id the page and its tests can find.
func (f *refusedForm) Err(form, field string) template.HTML {
	if !f.Is(form) {
		return ""
	}
	msg, ok := f.Problems[field]
	if !ok {
		return ""
	}
	id := form + "-error"
	if field != "" {
		id = form + "-" + strings.ReplaceAll(field, ".", "-") + "-error"
	}
	return template.HTML(`<span class="error field-error" role="alert" id="` + template.HTMLEscapeString(id) + `">` + template.HTMLEscapeString(msg) + `</span>`)
}

// Top lists what is shown above the form: its own problem and those of
// fields it did not send (every field it sends shows its problem beside
// it, through Err), so that no problem is lost.
func (f *refusedForm) Top(form string) []string {
	if !f.Is(form) {
		return nil
	}
	var out []string
	for field, msg := range f.Problems {
		if _, sent := f.Values[field]; field == "" || !sent {
			out = append(out, msg)
		}
	}
	slices.Sort(out)
	return out
}

// Banner is the notice above a refused form: intro ("not saved: see the
// problems beside the fields") and the problems of Top, with the id
// "<form>-problems".
func (f *refusedForm) Banner(form, intro string) template.HTML {
	if !f.Is(form) {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<div class="error form-problems" role="alert" id="` + template.HTMLEscapeString(form) + `-problems"><p>` + template.HTMLEscapeString(intro) + `</p>`)
	if top := f.Top(form); len(top) > 0 {
		b.WriteString("<ul>")
		for _, m := range top {
			b.WriteString("<li>" + template.HTMLEscapeString(m) + "</li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString("</div>")
	return template.HTML(b.String())
}
