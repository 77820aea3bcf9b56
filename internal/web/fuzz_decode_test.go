package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON: whatever the body, decodeJSON either accepts it with
// text both engines store alike (UTF-8, no NUL), or answers 400, 413 or
// 422 in the API's error shape. It never panics.
func FuzzDecodeJSON(f *testing.F) {
	for _, body := range hygieneBodies {
		f.Add([]byte(body))
	}
	for _, body := range []string{``, `{}`, `{"name":"a","list":["x","y"]}`, `{"name":`, `{"name":"a"} {}`, `{"name":"\ud83d\ude00"}`,
		`{"list":["` + strings.Repeat("x", 1000) + `"]}`, `{"name":"\\u0000"}`, `{"other":1}`, `[1,2]`, `{"name":1}`} {
		f.Add([]byte(body))
	}
	s := &kit{log: discardLogger()}
	type req struct {
		Name string   `json:"name"`
		List []string `json:"list"`
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(string(body)))
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		var v req
		if s.decodeJSON(w, r, &v) {
			for _, text := range append([]string{v.Name}, v.List...) {
				if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || strings.ContainsRune(text, utf8.RuneError) && !strings.Contains(string(body), "\ufffd") && !strings.Contains(strings.ToLower(string(body)), `\ufffd`) {
					t.Fatalf("accepted text %q from %q", text, body)
				}
			}
			return
		}
		var e apiError
		if (w.Code != 400 && w.Code != 413 && w.Code != 422) || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%q: %d %s", body, w.Code, w.Body)
		}
	})
}
