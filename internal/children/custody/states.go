// Package children is the custody flow: a case per child, its states and
// legal clocks, shelters and bed placement, sponsors, vetting and release.
//
// The rules people must be able to read and audit are tables in this
// package: transitions (states.go), legal clocks (clocks.go), vetting
// requirements (vetting.go) and the placement ranking (placement.go).
package custody

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/errs"
)

// State is where a child is in the custody flow.
type State string

const (
	StateEncountered     State = "encountered"
	StateInBorderCustody State = "in_border_custody"
	StateReferred        State = "referred"
	StatePlaced          State = "placed"
	StateReleased        State = "released"
	StateRepatriated     State = "repatriated"
	StateAgedOut         State = "aged_out"
	StateClosedOther     State = "closed_other"
)

// States lists every state in flow order.
var States = []State{
	StateEncountered, StateInBorderCustody, StateReferred, StatePlaced,
	StateReleased, StateRepatriated, StateAgedOut, StateClosedOther,
}

// transitions is the whole state machine: from each state, where a case may
// go next. A transfer between shelters is not a state change (placed stays
// placed); it is recorded as a placement with history.
//
// Repatriation and "closed for another reason" are possible from any open
// state: a child may be returned (or, rarely, reunited or die) at any
// point. Release needs a placement (a sponsor is vetted while the child is
// in a shelter), and a child ages out only while in care.
var transitions = map[State][]State{
	StateEncountered:     {StateInBorderCustody, StateRepatriated, StateClosedOther},
	StateInBorderCustody: {StateReferred, StateRepatriated, StateClosedOther},
	StateReferred:        {StatePlaced, StateRepatriated, StateClosedOther},
	StatePlaced:          {StateReleased, StateRepatriated, StateAgedOut, StateClosedOther},
	StateReleased:        {},
	StateRepatriated:     {},
	StateAgedOut:         {},
	StateClosedOther:     {},
}

// ownAction names the moves a plain state change cannot make, because
// another action records them with what they need, and why.
var ownAction = map[State]string{
	StatePlaced:   "placing a child reserves a bed: use the placement action with a facility",
	StateReleased: "release needs a vetted sponsor and a second approver: use the release actions",
}

// DirectMoves lists the states a plain state change (the case page's
// state-change form) can move c to at now: the allowed moves, without
// those another action records (placement, release) and without aging
// out before 18 by the recorded birth date.
func DirectMoves(c *Case, now time.Time) []State {
	out := []State{}
	for _, to := range transitions[c.State] {
		if _, own := ownAction[to]; own {
			continue
		}
		if to == StateAgedOut && c.Age(now) < 18 {
			continue
		}
		out = append(out, to)
	}
	return out
}

// ParseState checks that s names a state.
func ParseState(s string) (State, error) {
	st := State(s)
	if _, ok := transitions[st]; !ok {
		return "", fmt.Errorf("custody: unknown state %q", s)
	}
	return st, nil
}

// Next lists the states a case in s may move to.
func (s State) Next() []State { return transitions[s] }

// Terminal reports whether s ends the case.
func (s State) Terminal() bool { return len(transitions[s]) == 0 }

// CanMove reports whether from -> to is allowed.
func CanMove(from, to State) bool { return slices.Contains(transitions[from], to) }

// TransitionError is an illegal transition; the API answers 409 with its
// message, which names the allowed next states.
type TransitionError struct {
	From, To State
}

func (e *TransitionError) Error() string {
	next := transitions[e.From]
	if len(next) == 0 {
		return fmt.Sprintf("a case in state %s is closed: no further state change is allowed (asked for %s)", e.From, e.To)
	}
	names := make([]string, len(next))
	for i, n := range next {
		names[i] = string(n)
	}
	return fmt.Sprintf("a case cannot go from %s to %s; allowed: %s", e.From, e.To, strings.Join(names, ", "))
}

// Unwrap makes an illegal transition a errs.ErrConflict (409).
func (e *TransitionError) Unwrap() error { return errs.ErrConflict }

// CheckMove returns a *TransitionError when from -> to is not allowed.
func CheckMove(from, to State) error {
	if !CanMove(from, to) {
		return &TransitionError{From: from, To: to}
	}
	return nil
}
