package legal

import "testing"

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
