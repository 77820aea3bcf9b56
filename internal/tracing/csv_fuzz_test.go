package tracing

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

var csvSeeds = []string{
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n" +
		"1,Brayan Josué,García,López,M,2011-03-15,GTM,Huehuetenango,María López,José García\n" +
		"2,Brian,Garcia,,M,2011-03,GT,,,\n",
	"id,given_names\n1,Ana\n", // missing columns
	"\ufeffID,Given_Names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n1,a,b,c,F,2011,,,,\n",
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n1,\"unbalanced,b,c,F,,,,,\n",
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n1,a\xc0\xae,b,c,F,,,,,\n",
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n1,a,b,c,F,2011-13-45,,,,\n",
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n1,a,b,c,F,,,,,\n1,a,b,c,F,,,,,\n",
	"id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n,a\x00,b,c,F,,,,,\n",
	"id,id\n", "", "\n\n", "\"",
}

// FuzzReadCSV: the tracing commands' CSV reader refuses a file or returns
// records with non-empty, distinct ids, UTF-8 text and birth dates in
// one of the three forms; what it returns is written back and read again
// unchanged; and deduplicating them (normalisation, phonetic keys,
// nicknames, comparison) never panics.
func FuzzReadCSV(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "tracing: read csv: ") {
				t.Fatalf("error without the reader's prefix: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range recs {
			if r.ID == "" || seen[r.ID] {
				t.Fatalf("empty or repeated id %q accepted", r.ID)
			}
			seen[r.ID] = true
			for _, s := range []string{r.ID, r.GivenNames, r.Surname1, r.Surname2, r.Sex, r.BirthDate, r.BirthCountry, r.BirthPlace, r.MotherName, r.FatherName} {
				if !utf8.ValidString(s) {
					t.Fatalf("text that is not UTF-8 accepted: %q", s)
				}
			}
			if d, asked := readDate(r.BirthDate); asked && d.String() != strings.TrimSpace(r.BirthDate) {
				t.Fatalf("birth date %q said to be in form, read as %q", r.BirthDate, d.String())
			}
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, recs); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV(&buf)
		if err != nil || len(again) != len(recs) {
			t.Fatalf("records written back do not read again: %v (%d of %d)", err, len(again), len(recs))
		}
		for i := range recs {
			if again[i] != recs[i] {
				t.Fatalf("record %d changed on the way back: %+v, then %+v", i, recs[i], again[i])
			}
		}
		// Small files only: comparing every pair of long fuzzed names is
		// slow by nature (quadratic string comparisons), not a fault.
		if len(recs) > 0 && len(recs) <= 20 && len(data) <= 2048 {
			if _, err := Dedupe(context.Background(), recs, Options{Model: DefaultModel(), Workers: 1}); err != nil {
				t.Fatalf("dedupe of records the reader accepted: %v", err)
			}
		}
	})
}

// FuzzReadModel: a model file (--model) is refused or loads into a model
// that can be saved again; it never panics.
func FuzzReadModel(f *testing.F) {
	var good bytes.Buffer
	if err := DefaultModel().WriteJSON(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(bytes.Replace(good.Bytes(), []byte(`"prior"`), []byte(`"prior_x"`), 1))
	f.Add([]byte(`{"fields":[],"prior":0.1,"prior_family":0.1}`))
	f.Add([]byte(`{"prior":1e400}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadModel(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := m.WriteJSON(&out); err != nil {
			t.Fatalf("a model that loaded cannot be saved: %v", err)
		}
	})
}
