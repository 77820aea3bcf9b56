package web

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Messages live in i18n/<lang>/<domain>.json, one file per domain so that
// domains never edit each other's files. English is the fallback.
//
//go:embed i18n
var i18nFiles embed.FS

type catalog map[string]string

// Languages the UI speaks, first is the default.
var languages = []language.Tag{language.English, language.Spanish}

var langMatcher = language.NewMatcher(languages)

func loadCatalogs() (map[string]catalog, error) {
	out := map[string]catalog{}
	for _, tag := range languages {
		lang := tag.String()
		c := catalog{}
		files, err := fs.Glob(i18nFiles, "i18n/"+lang+"/*.json")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(i18nFiles, f)
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("web: messages %s: %w", path.Base(f), err)
			}
			for k, v := range m {
				if _, dup := c[k]; dup {
					return nil, fmt.Errorf("web: message key %q defined twice in %s", k, lang)
				}
				c[k] = v
			}
		}
		out[lang] = c
	}
	return out, nil
}

// langOf picks the language: a link's choice (?lang=es), else the person's
// explicit choice (a cookie set by the switch in the header or by such a
// link, langParam), else the browser's Accept-Language.
func langOf(r *http.Request) string {
	if code := r.URL.Query().Get("lang"); isLanguage(code) {
		return code
	}
	if c, err := r.Cookie("lang"); err == nil && isLanguage(c.Value) {
		return c.Value
	}
	tag, _ := language.MatchStrings(langMatcher, r.Header.Get("Accept-Language"))
	base, _ := tag.Base()
	return base.String()
}

// isLanguage reports whether code is a language the pages speak.
func isLanguage(code string) bool {
	for _, t := range languages {
		if code == t.String() {
			return true
		}
	}
	return false
}

// langParam keeps the language a link chose (?lang=es) for the pages that
// follow, as the switch in the header does.
func (s *Server) langParam(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := r.URL.Query().Get("lang"); isLanguage(code) && !isAPI(r) {
			s.setLangCookie(w, r, code)
		}
		next.ServeHTTP(w, r)
	})
}

// translate looks key up in lang, then English, then shows the key itself
// so a missing message is visible rather than blank.
func (s *kit) translate(lang, key string, args ...any) string {
	msg, ok := s.msgs[lang][key]
	if !ok {
		msg, ok = s.msgs["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, msgArgs(lang, key, args)...)
	}
	return msg
}

// A domain message a page shows has its key in the domain's i18n file as
// "<domain>.msg.<name>", its English text being exactly the domain's
// format (fmt verbs %d, %s, %q): each such key is registered in
// problemMessages, so that adding a message's words needs no Go list.
// msgArgKeys names what turns a value carried by some of them into words
// (see problemMessage.argKeys).
var msgArgKeys = map[string][]string{
	"legal.msg.screening_recorded":      {"*"},
	"legal.msg.flags":                   {"legal.relief.[]"},
	"legal.msg.referral_decided":        {"", "legal.msg.referral_verb."},
	"legal.msg.referral_is":             {"", "legal.referral."},
	"legal.msg.handed_over":             {"", "legal.reint.kind."},
	"legal.msg.hearing_on":              {"legal.hearing."},
	"legal.msg.hearing_on_outcome":      {"legal.hearing.", "", "legal.outcome."},
	"legal.msg.call":                    {"followup.outcome."},
	"legal.msg.call_lost":               {"followup.outcome."},
	"legal.msg.call_found":              {"followup.outcome."},
	"children.msg.release_services":     {"", "children.msg.with."},
	"legal.msg.case_not_repatriated":    {"", "children.state."},
	"aid.msg.evidence_n_is_already_x":   {"", "aid.evstatus."},
	"core.msg.role_may_not":             {"role."},
	"tracing.msg.candidate_was_already": {"", "tracing.cand_was."},
	"indicators.msg.no_scenario":        {"*"},
}

func init() {
	cats, err := loadCatalogs()
	if err != nil {
		panic(err) // the embedded files are checked by every test run
	}
	var ms []problemMessage
	for key, text := range cats["en"] {
		if strings.Contains(key, ".msg.") && !strings.Contains(key, ".msg.referral_verb.") && !strings.Contains(key, ".msg.with.") {
			ms = append(ms, problemMessage{format: text, key: key, argKeys: msgArgKeys[key], typed: true})
		}
	}
	// The longest format first: "follow-up call: %s; contact lost" before
	// "follow-up call: %s", which would match it too. Then by key, so
	// that the order is the same at every start.
	slices.SortFunc(ms, func(a, b problemMessage) int {
		if c := cmp.Compare(len(b.format), len(a.format)); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	addProblemMessages(ms...)
}
