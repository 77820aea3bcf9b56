// Package errs holds the few kinds of error every domain returns, so that
// the web layer maps them to status codes in one place and no domain
// imports another only for its errors:
//
//	*ValidationError (or any error with Validation() bool)  422
//	ErrForbidden                                            403
//	ErrNotFound                                             404
//	ErrConflict (and *ConflictError)                        409
//
// Domains wrap the sentinels with %w and a prefix naming the operation.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound: no such record, or one outside the caller's scope (the
	// two are answered alike so that ids outside a scope stay unknown).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request is valid but the record's state refuses it.
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller's role lacks the permission.
	ErrForbidden = errors.New("not allowed")
)

// FieldError is one problem with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ValidationError lists every problem found in an input, not only the
// first, so that a form can show each beside its field.
type ValidationError struct {
	Problems []FieldError `json:"problems"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Problem
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Validation marks the error as the caller's mistake (422).
func (e *ValidationError) Validation() bool { return true }

// Add records a problem with field.
func (e *ValidationError) Add(field, format string, a ...any) {
	e.Problems = append(e.Problems, FieldError{Field: field, Problem: fmt.Sprintf(format, a...)})
}

// Err is e when it holds a problem, else nil: returning a nil
// *ValidationError as an error would make a non-nil error.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Problems) == 0 {
		return nil
	}
	return e
}

// Invalid is any error the caller can fix by changing the input (422).
type Invalid interface {
	error
	Validation() bool
}

// IsValidation reports whether err, or an error it wraps, is Invalid.
func IsValidation(err error) bool {
	var v Invalid
	return errors.As(err, &v) && v.Validation()
}

// Fields returns the field problems err carries, if it is or wraps a
// *ValidationError.
func Fields(err error) []FieldError {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Problems
	}
	return nil
}

// ConflictError is a refusal answered with 409 and its message as is.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// Unwrap makes the refusal an ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Conflict returns a *ConflictError with a formatted message.
func Conflict(format string, a ...any) error {
	return &ConflictError{Msg: fmt.Sprintf(format, a...)}
}

// NotFound returns "<what> <id>: not found" wrapping ErrNotFound.
func NotFound(what string, id any) error {
	return fmt.Errorf("%s %v: %w", what, id, ErrNotFound)
}
