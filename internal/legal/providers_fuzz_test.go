package legal

import (
	"context"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// FuzzImportProviders: a provider directory CSV (amparo import providers)
// is refused as a whole with a validation error, or each line is imported
// or refused with its problems; the counts add up, and it never panics or
// fails otherwise.
func FuzzImportProviders(f *testing.F) {
	for _, s := range []string{
		"organisation,languages,states,specialties,capacity\nGood Org,Spanish;Mam,TX;NM,asylum;sijs,12\n,Spanish,Texas,visa,0\nBad,Spanish,TX,asylum,many\n",
		"organisation,capacity\n\"unbalanced,3\n",
		"organisation,capacity\nA\x00,1\nB\xc0\xae,2\n",
		"organisation,capacity\nX,99999999999999999999\nY,-1\n",
		"organisation\n", "", "\"",
		"organisation,attorneys,languages,states,counties,specialties,capacity\n" + strings.Repeat("a;", 500) + ",1,,,,,1\n",
	} {
		f.Add([]byte(s))
	}
	db := storetest.OpenSQLite(f)
	fac := facilities.New(db, nil)
	cases := custody.New(db, fac, nil)
	svc := New(db, cases, release.New(db, cases, nil), nil)
	ctx := auth.OperatorContext(context.Background(), "fuzz")
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := svc.ImportProviders(ctx, strings.NewReader(string(data)))
		if err != nil {
			if !errs.IsValidation(err) {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		lines := map[int]bool{}
		for _, e := range res.Errors {
			lines[e.Line] = true
		}
		if res.Rejected != len(lines) || res.Imported < 0 {
			t.Fatalf("%d rejected but errors on %d lines: %+v", res.Rejected, len(lines), res)
		}
	})
}
