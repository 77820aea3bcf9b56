package web

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/children/custody"
)

// The import's answers and its query are documented as they are: every
// JSON field of the result and of the job (chunks, resume_from,
// rows_committed among them) has its property, and resume_from its query
// parameter, in openapi/children.json.
func TestImportOpenAPIMatchesAnswers(t *testing.T) {
	b, err := openAPIFiles.ReadFile("openapi/children.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for schema, v := range map[string]any{"ChildImportResult": custody.ImportResult{}, "ChildImportJob": importJobView{}} {
		props := doc.Components.Schemas[schema].Properties
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if _, ok := props[name]; !ok {
				t.Errorf("%s has no property %q (field %s)", schema, name, rt.Field(i).Name)
			}
		}
	}
	var params []string
	for _, p := range doc.Paths["/api/v1/cases/import"]["post"].Parameters {
		if p.In == "query" {
			params = append(params, p.Name)
		}
	}
	for _, want := range []string{"background", "resume_from"} {
		if !slices.Contains(params, want) {
			t.Errorf("POST /api/v1/cases/import documents the query parameters %v, not %q", params, want)
		}
	}
}
