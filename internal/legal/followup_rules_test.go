package legal

import (
	"testing"
	"time"
)

func TestEveryContactRuleHasATest(t *testing.T) {
	tested := map[CallOutcome]bool{CallReached: true, CallConcern: true, CallNotReached: true, CallWrongContact: true}
	for _, r := range ContactRules {
		if !tested[r.Outcome] {
			t.Errorf("contact rule %s has no test", r.Outcome)
		}
	}
	if _, err := NextContact(0, false, "maybe"); err == nil {
		t.Error("an unknown outcome was accepted")
	}
}

// One test per row of the call schedule.
func TestScheduleEveryRowHasATest(t *testing.T) {
	tested := map[string]bool{"safety_30": true, "prs_60": true, "prs_90": true}
	for _, c := range FollowUpSchedule {
		if !tested[c.Kind] {
			t.Errorf("schedule row %s has no test", c.Kind)
		}
	}
}

func kinds(cs []ScheduledCall) map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, c := range cs {
		m[c.Kind] = c.After
	}
	return m
}

func TestScheduleSafety30(t *testing.T) {
	for _, prs := range []bool{false, true} {
		if d, ok := kinds(ScheduleFor(prs))["safety_30"]; !ok || d != 30*24*time.Hour {
			t.Errorf("prs=%t: the 30-day call is %v (%t)", prs, d, ok)
		}
	}
}

func TestSchedulePRS60(t *testing.T) {
	if _, ok := kinds(ScheduleFor(false))["prs_60"]; ok {
		t.Error("the 60-day call was scheduled without post-release services")
	}
	if d := kinds(ScheduleFor(true))["prs_60"]; d != 60*24*time.Hour {
		t.Errorf("the 60-day call with services is %v", d)
	}
}

func TestSchedulePRS90(t *testing.T) {
	if _, ok := kinds(ScheduleFor(false))["prs_90"]; ok {
		t.Error("the 90-day call was scheduled without post-release services")
	}
	if d := kinds(ScheduleFor(true))["prs_90"]; d != 90*24*time.Hour {
		t.Errorf("the 90-day call with services is %v", d)
	}
}

func TestContactRuleReached(t *testing.T) {
	st, _ := NextContact(2, true, CallReached)
	if st.Failures != 0 || st.Lost || !st.Found || st.Escalate {
		t.Errorf("reached after being lost: %+v", st)
	}
}

func TestContactRuleConcern(t *testing.T) {
	st, _ := NextContact(1, false, CallConcern)
	if st.Failures != 0 || st.Lost || st.Found || !st.Escalate {
		t.Errorf("concern: %+v", st)
	}
}

func TestContactRuleNotReached(t *testing.T) {
	st, _ := NextContact(1, false, CallNotReached)
	if st.Failures != 2 || st.Lost {
		t.Errorf("second failure: %+v", st)
	}
	st, _ = NextContact(2, false, CallNotReached)
	if st.Failures != 3 || !st.Lost || !st.NewlyLost {
		t.Errorf("third failure: %+v", st)
	}
	st, _ = NextContact(3, true, CallNotReached)
	if !st.Lost || st.NewlyLost {
		t.Errorf("a fourth failure while lost: %+v", st)
	}
}

func TestContactRuleWrongContact(t *testing.T) {
	st, _ := NextContact(0, false, CallWrongContact)
	if !st.Lost || !st.NewlyLost || st.Failures != 1 {
		t.Errorf("wrong number: %+v", st)
	}
}

func TestFollowUpSchedule(t *testing.T) {
	if len(FollowUpSchedule) == 0 || FollowUpSchedule[0].Kind != "safety_30" || FollowUpSchedule[0].After.Hours() != 720 {
		t.Errorf("schedule: %+v", FollowUpSchedule)
	}
}
