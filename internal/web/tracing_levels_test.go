package web

import (
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
)

// TestTracingLevelsHaveWords: every field and level a match explanation
// can name has words in English and Spanish (a level without them was
// shown by its code, "typed_wrongly").
func TestTracingLevelsHaveWords(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tracing.DefaultModel().Fields {
		for _, lang := range []string{"en", "es"} {
			if _, ok := cats[lang]["tracing.field."+f.Name]; !ok {
				t.Errorf("%s: no words for the field %s", lang, f.Name)
			}
			for _, l := range f.Levels {
				if _, ok := cats[lang]["tracing.level."+l.Name]; !ok {
					t.Errorf("%s: no words for the level %s of %s", lang, l.Name, f.Name)
				}
			}
		}
	}
}
