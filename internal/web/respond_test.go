package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	s := &kit{log: discardLogger()}
	type req struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"ok", `{"name":"a","count":2}`, 200, ""},
		{"unknown field", `{"name":"a","colour":"red"}`, 400, "bad_json"},
		{"wrong type", `{"count":"two"}`, 400, "bad_json"},
		{"malformed", `{"name":`, 400, "bad_json"},
		{"empty", ``, 400, "bad_json"},
		{"trailing data", `{"name":"a"} {"name":"b"}`, 400, "bad_json"},
		{"too large", `{"name":"` + strings.Repeat("x", DefaultMaxBody) + `"}`, 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tt.body))
			w := httptest.NewRecorder()
			r.Body = http.MaxBytesReader(w, r.Body, DefaultMaxBody)
			var v req
			if ok := s.decodeJSON(w, r, &v); ok != (tt.status == 200) {
				t.Fatalf("decodeJSON = %v", ok)
			}
			if tt.status == 200 {
				if v.Name != "a" || v.Count != 2 {
					t.Fatalf("decoded %+v", v)
				}
				return
			}
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			var e apiError
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("body %s", w.Body)
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/cases?x=1": "/cases?x=1", "": "/", "https://evil.example/": "/", "//evil.example": "/", `/\evil.example`: "/", "cases": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
