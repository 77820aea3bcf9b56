package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestKinds(t *testing.T) {
	v := &ValidationError{}
	if v.Err() != nil {
		t.Fatal("an empty ValidationError must be a nil error")
	}
	v.Add("name", "is %s", "required")
	tests := []struct {
		name                           string
		err                            error
		valid, forbidden, nf, conflict bool
	}{
		{"validation", fmt.Errorf("op: %w", v.Err()), true, false, false, false},
		{"forbidden", fmt.Errorf("op: %w", ErrForbidden), false, true, false, false},
		{"not found", NotFound("case", 7), false, false, true, false},
		{"conflict", fmt.Errorf("op: %w", Conflict("case %d is closed", 7)), false, false, false, true},
		{"plain", errors.New("disk full"), false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsValidation(tt.err); got != tt.valid {
				t.Errorf("IsValidation = %v", got)
			}
			if got := errors.Is(tt.err, ErrForbidden); got != tt.forbidden {
				t.Errorf("forbidden = %v", got)
			}
			if got := errors.Is(tt.err, ErrNotFound); got != tt.nf {
				t.Errorf("not found = %v", got)
			}
			if got := errors.Is(tt.err, ErrConflict); got != tt.conflict {
				t.Errorf("conflict = %v", got)
			}
		})
	}
	if got := v.Error(); got != "invalid: name: is required" {
		t.Errorf("message %q", got)
	}
	if f := Fields(fmt.Errorf("x: %w", v)); len(f) != 1 || f[0].Field != "name" {
		t.Errorf("Fields = %v", f)
	}
	if got := NotFound("case", 7).Error(); got != "case 7: not found" {
		t.Errorf("NotFound message %q", got)
	}
}
