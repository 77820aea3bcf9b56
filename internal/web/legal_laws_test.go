package web

import (
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/legal"
)

// TestLegalLawsHaveSpanish: each relief's legal basis, shown under its
// flag on the screening page, has Spanish words, and the English words of
// its key are the rule table's text exactly (so that a change to the law's
// wording in legal/rules.go is seen here); the age notes of a flag are
// keyed messages with Spanish too.
func TestLegalLawsHaveSpanish(t *testing.T) {
	k := noteKit(t)
	for _, r := range legal.Rules {
		key := "legal.law." + string(r.Relief)
		if en := k.msgs["en"][key]; en != r.Law {
			t.Errorf("%s: English %q, the rule table says %q", key, en, r.Law)
		}
		if es := k.msgs["es"][key]; es == "" || es == r.Law {
			t.Errorf("%s has no Spanish", key)
		}
	}
	flags := legal.Flags(map[string]legal.Answer{"parent_abuse": legal.Yes}, -1)
	flags = append(flags, legal.Flags(map[string]legal.Answer{"parent_abuse": legal.Yes}, 12)...)
	notes := 0
	for _, f := range flags {
		if f.Note == "" {
			continue
		}
		notes++
		if es := k.problemText("es", f.Note); es == f.Note || !strings.Contains(es, "menor de 21") {
			t.Errorf("the flag note %q reads %q in Spanish", f.Note, es)
		}
	}
	if notes != 2 {
		t.Errorf("%d flag notes, want the unknown age's and the known age's", notes)
	}
}
