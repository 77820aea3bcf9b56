package identity

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  HERNÁNDEZ  ", "hernandez"},
		{"GARCÍA-LÓPEZ", "garcia lopez"},
		{"García  López", "garcia lopez"},
		{"Núñez", "nunez"},
		{"D'Aubuisson", "d aubuisson"},
		{"Weiß", "weiss"},
		{"Ixchel Tz'ul", "ixchel tz ul"},
		{"José María", "jose maria"},
		{"Q'anjob'al", "q anjob al"},
		{"Ǹgọc", "ngoc"},
		{"Méndez", "mendez"},
		{"MENDEZ", "mendez"},
		{"  De la  Cruz ", "de la cruz"},
		{"O'Higgins", "o higgins"},
		{"María-José", "maria jose"},
		{"Xicará", "xicara"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
