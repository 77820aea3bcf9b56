package web

import (
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15: PUT beds with one valid and one invalid line answered 422 but
// committed the valid line. Every line is checked first, all are written
// in one transaction.
func TestSetBedsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
		path := fmt.Sprintf("/api/v1/facilities/%v/beds", fac["id"])
		capacity := func() map[string]float64 {
			f := env.call(t, "GET", fmt.Sprintf("/api/v1/facilities/%v", fac["id"]), auth.RoleAdmin, "", 200)
			out := map[string]float64{}
			beds, _ := f["beds"].([]any)
			if fb, ok := f["facility"].(map[string]any); ok && beds == nil {
				beds, _ = fb["beds"].([]any)
			}
			for _, b := range beds {
				m := b.(map[string]any)
				out[fmt.Sprint(m["sex"], m["age_band"])] = m["capacity"].(float64)
			}
			return out
		}
		before := capacity()
		if len(before) != 1 {
			t.Fatalf("beds before: %v", before)
		}
		for _, body := range []string{
			`{"beds":[{"sex":"M","age_band":"0-12","capacity":4},{"sex":"X","age_band":"13-17","capacity":1}]}`,
			`{"beds":[{"sex":"F","age_band":"13-17","capacity":9},{"sex":"F","age_band":"13-17","capacity":-1}]}`,
			`{"beds":[{"sex":"F","age_band":"13-17","capacity":9},{"sex":"F","age_band":"13-17","capacity":2}]}`,
		} {
			env.call(t, "PUT", path, auth.RoleAdmin, body, 422)
			if got := capacity(); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Errorf("%s: a refused request changed the beds to %v", body, got)
			}
		}
		env.call(t, "PUT", "/api/v1/facilities/999999/beds", auth.RoleAdmin, `{"beds":[{"sex":"M","age_band":"0-12","capacity":4}]}`, 404)
		env.call(t, "PUT", path, auth.RoleAdmin, `{"beds":[{"sex":"M","age_band":"0-12","capacity":4},{"sex":"F","age_band":"13-17","capacity":5}]}`, 200)
		if got := capacity(); got["M0-12"] != 4 || got["F13-17"] != 5 {
			t.Errorf("beds after a valid request: %v", got)
		}
	})
}
