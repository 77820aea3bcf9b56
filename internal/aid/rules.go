package aid

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds the aid domain's rule tables: plain data and pure
// functions, no I/O, one test per row in rules_test.go. They are what an
// aid officer, an auditor or a watchdog reads to know how a tranche is
// judged.

// Sectors a program may belong to.
var Sectors = []string{
	"violence_prevention", "youth_services", "job_training", "policing_justice",
	"anti_corruption", "civil_society", "economic_development",
}

// EvidenceRatings a clearinghouse (CrimeSolutions and the like) gives an
// intervention model; "" means not rated.
var EvidenceRatings = []string{"effective", "promising", "no_effects", "insufficient"}

// Condition kinds.
const (
	KindThreshold     = "indicator_threshold"    // a value above or below a line
	KindTrend         = "trend"                  // change over periods
	KindPeer          = "peer_percentile"        // rank among the income group's countries (MCC-style)
	KindInstitutional = "institutional_fact"     // e.g. an anti-impunity commission is operating
	KindCertification = "certification"          // certified by a named official
	KindAssessment    = "independent_assessment" // an independent assessment's finding
)

// Kinds lists every condition kind.
var Kinds = []string{KindThreshold, KindTrend, KindPeer, KindInstitutional, KindCertification, KindAssessment}

// kindNeedsSeries: the kinds that are judged on indicator series must have
// a machine rule naming one; the others may rest on facts on record, or on
// no rule at all (then they stay insufficient_evidence until one exists).
var kindNeedsSeries = map[string]bool{KindThreshold: true, KindTrend: true, KindPeer: true}

// Combinations of a tranche's (non-hard) conditions.
const (
	CombineAll     = "all"
	CombineAny     = "any"
	CombineAtLeast = "at_least_n"
)

// Condition and evaluation statuses.
const (
	Met          = "met"
	NotMet       = "not_met"
	Insufficient = "insufficient_evidence"
)

// Tranche states.
const (
	StatePending    = "pending"
	StateReleasable = "releasable"
	StateReleased   = "released"
	StateWithheld   = "withheld"
	StateLapsed     = "lapsed"
)

// Decision actions and the state each leads to.
var decisionState = map[string]string{"release": StateReleased, "withhold": StateWithheld}

// trancheMoves is which states a tranche may move to from each state.
// Released, withheld and lapsed are final: a decision is never undone,
// a new decision needs a new tranche.
var trancheMoves = map[string][]string{
	StatePending:    {StateReleasable, StateReleased, StateWithheld, StateLapsed},
	StateReleasable: {StatePending, StateReleased, StateWithheld, StateLapsed},
	StateReleased:   nil,
	StateWithheld:   nil,
	StateLapsed:     nil,
}

// lapses is the lapse rule: a tranche still pending or releasable after
// its due date (the due date is its last day), with no decision proposed
// on or before that date, lapses. firstProposal is the date of the
// tranche's first proposed decision ("" if none): a proposal made in time
// keeps the tranche open until the second officer approves it. Dates are
// YYYY-MM-DD, so they compare as text.
func lapses(state, dueDate, firstProposal, today string) bool {
	if state != StatePending && state != StateReleasable {
		return false
	}
	if today <= dueDate {
		return false
	}
	return firstProposal == "" || firstProposal > dueDate
}

// Decidable reports whether a release or a withholding may be proposed on
// a tranche in state (pages offer the proposal only then; the domain
// checks again).
func Decidable(state string) bool {
	for _, to := range decisionState {
		if canMove(state, to) {
			return true
		}
	}
	return false
}

// canMove reports whether a tranche in state from may move to state to.
func canMove(from, to string) bool {
	for _, s := range trancheMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Combine judges a tranche from its conditions' statuses: soft are
// combined by how (all, any, at_least_n with n), and every hard hurdle
// must be met whatever the others say. A status that is not known yet
// (insufficient evidence) makes the result insufficient only when it
// could change it.
func Combine(how string, n int, soft, hard []string) (outcome string, hardFailed bool) {
	var hm, hn int
	for _, s := range hard {
		switch s {
		case Met:
			hm++
		case NotMet:
			hn++
		}
	}
	if hn > 0 {
		return NotMet, true
	}
	var met, notMet int
	for _, s := range soft {
		switch s {
		case Met:
			met++
		case NotMet:
			notMet++
		}
	}
	unknown := len(soft) - met - notMet
	switch how {
	case CombineAny:
		if len(soft) == 0 {
			outcome = Met
		} else {
			outcome = threeWay(met > 0, met == 0 && unknown == 0)
		}
	case CombineAtLeast:
		outcome = threeWay(met >= n, met+unknown < n)
	default: // all
		outcome = threeWay(notMet == 0 && unknown == 0, notMet > 0)
	}
	if outcome == Met && hm < len(hard) {
		outcome = Insufficient
	}
	return outcome, false
}

func threeWay(met, notMet bool) string {
	switch {
	case met:
		return Met
	case notMet:
		return NotMet
	}
	return Insufficient
}

// periodEnd is the last day of a period as indicators name them: a year
// "2014" ends on 31 December, a US federal fiscal year "FY2015" on 30
// September 2015, a month "2015-03" on its last day. A value counts as of
// a date only when its period ended before that date: an annual figure
// for the current year is not yet a figure.
func periodEnd(p string) (time.Time, bool) {
	switch {
	case len(p) == 4:
		y, err := strconv.Atoi(p)
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), true
	case strings.HasPrefix(p, "FY") && len(p) == 6:
		y, err := strconv.Atoi(p[2:])
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(y, 9, 30, 0, 0, 0, 0, time.UTC), true
	case len(p) == 7 && p[4] == '-':
		t, err := time.Parse("2006-01", p)
		if err != nil {
			return time.Time{}, false
		}
		return t.AddDate(0, 1, -1), true
	}
	return time.Time{}, false
}

// periodKnownAt reports whether a period had ended before asOf.
func periodKnownAt(p string, asOf time.Time) bool {
	end, ok := periodEnd(p)
	return ok && end.Before(asOf)
}

// minPeers is how many countries of the same income group (the country
// included) a percentile needs before it means anything.
const minPeers = 3

// percentileRank is the share of peers (the country included) whose value
// is at or below the country's, in percent: MCC's scorecard passes a
// country above its income group's median.
func percentileRank(own float64, peers []float64) float64 {
	if len(peers) == 0 {
		return 0
	}
	at := 0
	for _, v := range peers {
		if v <= own {
			at++
		}
	}
	return 100 * float64(at) / float64(len(peers))
}

// slope is the least-squares slope of values over years (change per year).
func slope(years []int, values []float64) float64 {
	n := float64(len(years))
	var sx, sy, sxx, sxy float64
	for i, y := range years {
		x := float64(y)
		sx += x
		sy += values[i]
		sxx += x * x
		sxy += x * values[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// minTrendPoints is how many annual values a trend needs.
const minTrendPoints = 3

// factHolds reports whether a fact on record holds on asOf: from its
// first day, up to (not including) the day it stopped.
func factHolds(validFrom, validTo string, asOf time.Time) bool {
	d := asOf.Format(time.DateOnly)
	return validFrom <= d && (validTo == "" || d < validTo)
}

// amountText is an amount for the audit log: "not stated" when the public
// record states none.
func amountText(a *int64) string {
	if a == nil {
		return "not stated"
	}
	return fmt.Sprint(*a)
}

// maxAmount bounds an amount: a thousand times the largest national
// budget, so that the scorecard's sums of thousands of them stay within
// int64 (the QA sweep stored 9.2e18, and two such overflowed a total).
const maxAmount = 1_000_000_000_000_000

// checkAmount: amounts are whole currency units, positive, at most maxAmount.
func checkAmount(a int64) error {
	if a <= 0 || a > maxAmount {
		return fmt.Errorf("must be a whole amount from 1 to 1,000,000,000,000,000")
	}
	return nil
}

func oneOf(v string, list []string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
