package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"

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

// langOf picks the language: the person's explicit choice (a cookie set by
// the switch in the header), else the browser's Accept-Language.
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		for _, t := range languages {
			if c.Value == t.String() {
				return c.Value
			}
		}
	}
	tag, _ := language.MatchStrings(langMatcher, r.Header.Get("Accept-Language"))
	base, _ := tag.Base()
	return base.String()
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
		return fmt.Sprintf(msg, args...)
	}
	return msg
}
