package facilities

import "testing"

func TestBandFor(t *testing.T) {
	tests := map[int]string{-1: "", 0: BandChild, 12: BandChild, 13: BandTeen, 17: BandTeen, 18: ""}
	for age, want := range tests {
		if got := BandFor(age); got != want {
			t.Errorf("BandFor(%d) = %q, want %q", age, got, want)
		}
	}
}
