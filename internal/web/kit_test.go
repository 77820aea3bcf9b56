package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/errs"
)

type kitIn struct {
	Name string `json:"name"`
}

// kitCall stands for a domain method: it refuses id 7 (not found), names
// "taken" (conflict) and empty names (invalid).
func kitCall(_ context.Context, id int64, in kitIn) (string, error) {
	switch {
	case id == 7:
		return "", errs.NotFound("thing", id)
	case in.Name == "":
		v := &errs.ValidationError{}
		v.Add("name", "is required")
		return "", v
	case in.Name == "taken":
		return "", fmt.Errorf("rename: %w", errs.Conflict("the name is taken"))
	}
	return fmt.Sprintf("%d:%s", id, in.Name), nil
}

func TestHandlerSkeleton(t *testing.T) {
	k := &kit{log: discardLogger()}
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/things/{id}", withIDBody(k, http.StatusCreated, kitCall))
	mux.Handle("GET /api/v1/things/{id}", withID(k, http.StatusOK, func(ctx context.Context, id int64) (string, error) {
		return kitCall(ctx, id, kitIn{Name: "x"})
	}))
	mux.Handle("POST /api/v1/things", withBody(k, http.StatusOK, func(ctx context.Context, in kitIn) (string, error) {
		return kitCall(ctx, 1, in)
	}))
	mux.Handle("GET /api/v1/things", withQuery(k, http.StatusOK, func(r *http.Request) (kitIn, error) {
		if r.URL.Query().Get("bad") != "" {
			return kitIn{}, fmt.Errorf("bad must be empty")
		}
		return kitIn{Name: r.URL.Query().Get("name")}, nil
	}, func(ctx context.Context, in kitIn) (string, error) { return kitCall(ctx, 2, in) }))
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/api/v1/things/3", `{"name":"a"}`, 201, `"3:a"`},
		{"POST", "/api/v1/things/7", `{"name":"a"}`, 404, `"not_found"`},
		{"POST", "/api/v1/things/x", `{"name":"a"}`, 404, `"not_found"`},
		{"POST", "/api/v1/things/3", `{"name":""}`, 422, `"invalid"`},
		{"POST", "/api/v1/things/3", `{"name":"taken"}`, 409, `the name is taken`},
		{"POST", "/api/v1/things/3", `{"nom":"a"}`, 400, `"bad_json"`},
		{"GET", "/api/v1/things/4", ``, 200, `"4:x"`},
		{"POST", "/api/v1/things", `{"name":"b"}`, 200, `"1:b"`},
		{"GET", "/api/v1/things?name=c", ``, 200, `"2:c"`},
		{"GET", "/api/v1/things?bad=1", ``, 400, `"bad_query"`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.body, func(t *testing.T) {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("got %d %s, want %d with %s", w.Code, w.Body.String(), tt.status, tt.want)
			}
		})
	}
}
