package custody

import (
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

// DeadlineKind names one legal clock.
type DeadlineKind string

const (
	DeadlineNotification        DeadlineKind = "notification"
	DeadlineTransfer            DeadlineKind = "transfer"
	DeadlineContiguousScreening DeadlineKind = "contiguous_screening"
	DeadlineKnowYourRights      DeadlineKind = "know_your_rights"
	DeadlineLegalScreening      DeadlineKind = "legal_screening"
	// DeadlineCourtHearing is not a clock: it names the court hearings
	// the legal domain puts on the board (AddBoardSource).
	DeadlineCourtHearing DeadlineKind = "court_hearing"
)

// Anchor is the event a clock starts from.
type Anchor string

const (
	AnchorEncounter Anchor = "encounter" // the time of encounter
	AnchorPlacement Anchor = "placement" // the first placement in a shelter
)

// Clock is one row of the legal-clock table.
type Clock struct {
	Kind    DeadlineKind
	Anchor  Anchor
	Within  time.Duration
	Applies func(c *Case) bool
	// MetBy says how the deadline is met: a state the case reaches, or a
	// record someone enters (MetByState empty).
	MetByState State
	Law        string
	// RecordedWith is the permission needed to record the act as done
	// (legal service providers record the legal clocks).
	RecordedWith auth.Permission
}

func always(*Case) bool { return true }

// isMexican says whether the contiguous-country screening applies. Mexico
// and Canada are the contiguous countries; Canadian children are rare at
// the southwest border but the law names both.
func isMexican(c *Case) bool {
	for _, v := range []string{c.Nationality, c.BirthCountry} {
		switch strings.ToUpper(strings.TrimSpace(v)) {
		case "MX", "MEX", "MEXICO", "MÉXICO", "CA", "CAN", "CANADA", "CANADÁ":
			return true
		}
	}
	return false
}

// Clocks is the legal-clock table. Times are counted from the anchor in
// UTC; the board shows them in the facility's zone.
var Clocks = []Clock{
	{DeadlineNotification, AnchorEncounter, 48 * time.Hour, always, "",
		"TVPRA 2008, 8 U.S.C. 1232(b)(2): notify HHS within 48 hours of determining the child is unaccompanied", auth.PermCaseUpdate},
	{DeadlineTransfer, AnchorEncounter, 72 * time.Hour, always, StatePlaced,
		"TVPRA 2008, 8 U.S.C. 1232(b)(3): transfer to HHS custody within 72 hours", ""},
	{DeadlineContiguousScreening, AnchorEncounter, 48 * time.Hour, isMexican, "",
		"TVPRA 2008, 8 U.S.C. 1232(a)(4): screen children from contiguous countries within 48 hours (trafficking, fear of return, capacity to decide)", auth.PermCaseUpdate},
	{DeadlineKnowYourRights, AnchorPlacement, 10 * 24 * time.Hour, always, "",
		"ORR UAC Policy Guide 3.3: know-your-rights presentation within 10 days of placement", auth.PermCaseLegalRecord},
	{DeadlineLegalScreening, AnchorPlacement, 10 * 24 * time.Hour, always, "",
		"ORR UAC Policy Guide 3.3: legal screening within 10 days of placement", auth.PermCaseLegalRecord},
}

// ClockFor returns the table row for kind.
func ClockFor(kind DeadlineKind) (Clock, bool) {
	for _, c := range Clocks {
		if c.Kind == kind {
			return c, true
		}
	}
	return Clock{}, false
}

// DueAt is when clock k falls due for a case anchored at t.
func (k Clock) DueAt(anchor time.Time) time.Time { return anchor.UTC().Add(k.Within) }

// NearingWindow is how close to due a deadline must be to appear on the
// board before it is overdue.
const NearingWindow = 12 * time.Hour

// Urgency classifies a deadline at now.
type Urgency string

const (
	UrgencyOverdue Urgency = "overdue"
	UrgencyNearing Urgency = "nearing"
	UrgencyLater   Urgency = "later"
	UrgencyMet     Urgency = "resolved"
)

// UrgencyAt says where an open deadline due at due stands at now.
func UrgencyAt(due, now time.Time) Urgency {
	switch {
	case !now.Before(due):
		return UrgencyOverdue
	case due.Sub(now) < NearingWindow:
		return UrgencyNearing
	default:
		return UrgencyLater
	}
}

// Late is how late a deadline was met: whole days, or for less than a
// day the hours begun; both zero when it was met on time, is open, or did
// not apply.
type Late struct{ Days, Hours int }

// Lateness is how late d was met.
func (d Deadline) Lateness() Late {
	if d.ResolvedAt == nil || d.Resolution != "met" || !d.ResolvedAt.After(d.DueAt) {
		return Late{}
	}
	late := d.ResolvedAt.Sub(d.DueAt)
	if days := int(late / (24 * time.Hour)); days > 0 {
		return Late{Days: days}
	}
	return Late{Hours: int((late + time.Hour - 1) / time.Hour)}
}
