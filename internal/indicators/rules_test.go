package indicators

import (
	"errors"
	"testing"
)

// One case per row of scopeRules, with the wording found in the files.
func TestScopeRules(t *testing.T) {
	cases := []struct{ text, want string }{
		{"USBP southwest border encounters (Title 8 apprehensions + Title 42 expulsions)", "usbp-swb-t42"},
		{"CBP nationwide encounters (all borders, USBP + OFO), as reported by EFE citing CBP", "cbp-nationwide"},
		{"USBP UAC apprehensions as reported by El Imparcial citing Border Patrol statistics (described as national level)", "usbp-national-press"},
		{"USBP apprehensions (labelled southwest border by CRS; may include non-SWB sectors)", "usbp-swb-maybe-all"},
		{"CBP southwest land border encounters (USBP + OFO ports of entry), as reported by press citing CBP", "cbp-swb"},
		{"CBP encounters as reported by press citing CBP (USBP vs OFO split not stated)", "cbp-unstated"},
		{"CBP southwest border (per IOM compilation of CBP data)", "cbp-swb-unstated"},
		{"USBP southwest border apprehensions", "usbp-swb"},
	}
	if len(cases) != len(scopeRules) {
		t.Fatalf("%d cases for %d rules: add a case for the new rule", len(cases), len(scopeRules))
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got, ok := ClassifyScope(c.text); !ok || got != c.want {
				t.Errorf("ClassifyScope(%q) = %q, %v; want %q", c.text, got, ok, c.want)
			}
		})
	}
	if _, ok := ClassifyScope("children seen somewhere"); ok {
		t.Error("unknown wording was classified; it must be refused")
	}
}

func TestTitle42Era(t *testing.T) {
	for month, want := range map[string]string{"2020-02": "usbp-swb", "2020-03": "usbp-swb-t42", "2023-05": "usbp-swb-t42", "2023-06": "usbp-swb"} {
		if got := usbpMonthScope(month); got != want {
			t.Errorf("usbpMonthScope(%s) = %s, want %s", month, got, want)
		}
	}
	for fy, want := range map[int]string{2019: "usbp-swb", 2020: "usbp-swb-t42", 2023: "usbp-swb-t42", 2024: "usbp-swb"} {
		if got := usbpFYScope(fy); got != want {
			t.Errorf("usbpFYScope(%d) = %s, want %s", fy, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	cases := []struct {
		in    string
		want  float64
		fixes int
		err   bool
		miss  bool
	}{
		{"1533", 1533, 0, false, false},
		{"1,533", 1533, 1, false, false},
		{"r4,964", 4964, 2, false, false},
		{"-1.2917", -1.2917, 0, false, false},
		{"1.8192649999999999", 1.8192649999999999, 0, false, false},
		{"..", 0, 0, false, true},
		{"", 0, 0, false, true},
		{"1,5", 0, 0, true, false}, // a decimal comma is refused, not read as 15
		{"12,34,567", 0, 0, true, false},
		{"0x10", 0, 0, true, false},
		{"1_000", 0, 0, true, false},
		{"NaN", 0, 0, true, false},
		{"Inf", 0, 0, true, false},
		{"17O57", 0, 0, true, false},
	}
	for _, c := range cases {
		v, fixes, err := parseNumber(c.in)
		switch {
		case c.miss:
			if !errors.Is(err, errMissing) {
				t.Errorf("%q: %v, want missing", c.in, err)
			}
		case c.err:
			if err == nil || errors.Is(err, errMissing) {
				t.Errorf("%q: read as %v, want an error", c.in, v)
			}
		default:
			if err != nil || v != c.want || len(fixes) != c.fixes {
				t.Errorf("%q: %v, %d fixes, %v; want %v, %d fixes", c.in, v, len(fixes), err, c.want, c.fixes)
			}
		}
	}
}
