package legal

import (
	"fmt"
	"slices"
)

// The screening questionnaire and the relief-flag table: plain data, no
// I/O, readable by the advocates and attorneys the rules are for. A flag
// is advice for an attorney to look further, never a decision about a
// child's eligibility for anything.

// Answer is one reply to a screening question.
type Answer string

const (
	Yes    Answer = "yes"
	No     Answer = "no"
	Unsure Answer = "unsure" // asked, the child did not know or did not say
)

// Question is one question of the screening, in the plain words an
// advocate uses with a child. The web pages show it in the reader's
// language (message "legal.q.<Key>").
type Question struct {
	Key  string
	Text string // English, for the API and the command line
}

// Questions is the questionnaire, in the order it is asked.
var Questions = []Question{
	{"fear_return", "Are you afraid to go back to your country?"},
	{"fear_ground", "Is that fear because of who you are: your race, religion, nationality, political opinion, or a group you belong to (your family, your people, being LGBTQ)?"},
	{"gang_threat", "Did a gang threaten you, or try to make you join them?"},
	{"past_harm", "Did anyone hurt you badly, or threaten to, in your country?"},
	{"parent_abuse", "Did your mother or father hit you, hurt you, or abuse you?"},
	{"parent_neglect", "Did your mother or father fail to take care of you (food, school, a safe home)?"},
	{"parent_abandon", "Did your mother or father leave you, or has one died or is unknown to you?"},
	{"forced_work", "Did anyone make you work when you did not want to, or not let you leave a job?"},
	{"debt", "Do you or your family owe money for the trip that someone makes you work to pay back?"},
	{"coercion", "Did anyone threaten, trick or control you to make you do things, such as work or sex?"},
	{"us_crime_victim", "Did someone commit a crime against you in the United States (hurt you, abuse you, kidnap you, hold you)?"},
	{"helped_police", "Did you help the police or others investigating it, or would you be willing to?"},
}

// IsQuestion reports whether key names a question.
func IsQuestion(key string) bool {
	return slices.ContainsFunc(Questions, func(q Question) bool { return q.Key == key })
}

// Relief names a form of immigration relief a flag points an attorney to.
type Relief string

const (
	ReliefAsylum Relief = "asylum"
	ReliefSIJS   Relief = "sijs" // Special Immigrant Juvenile Status
	ReliefT      Relief = "t_visa"
	ReliefU      Relief = "u_visa"
)

// Reliefs lists every relief in the order flags are shown.
var Reliefs = []Relief{ReliefAsylum, ReliefSIJS, ReliefT, ReliefU}

// Rule is one row of the relief-flag table: the flag is raised when every
// answer in AllOf is yes and, when AnyOf is not empty, at least one answer
// in AnyOf is yes; and, when MaxAge is set, the child is younger than it
// (an unknown age raises the flag with a note, for the attorney to check).
type Rule struct {
	Relief Relief
	AllOf  []string
	AnyOf  []string
	MaxAge int // 0: no age condition
	Law    string
}

// Rules is the relief-flag table.
var Rules = []Rule{
	{Relief: ReliefAsylum, AllOf: []string{"fear_return"}, AnyOf: []string{"fear_ground", "gang_threat", "past_harm"},
		Law: "INA 208, 8 U.S.C. 1158: fear of persecution on account of race, religion, nationality, political opinion or membership in a particular social group"},
	{Relief: ReliefSIJS, AnyOf: []string{"parent_abuse", "parent_neglect", "parent_abandon"}, MaxAge: 21,
		Law: "INA 101(a)(27)(J), 8 U.S.C. 1101(a)(27)(J): reunification with one or both parents not viable due to abuse, neglect or abandonment; under 21"},
	{Relief: ReliefT, AnyOf: []string{"forced_work", "debt", "coercion"},
		Law: "INA 101(a)(15)(T), 8 U.S.C. 1101(a)(15)(T): victim of a severe form of trafficking (labor or sex, by force, fraud or coercion; debt bondage)"},
	{Relief: ReliefU, AllOf: []string{"us_crime_victim", "helped_police"},
		Law: "INA 101(a)(15)(U), 8 U.S.C. 1101(a)(15)(U): victim of a qualifying crime in the US who has been, is or is likely to be helpful to investigators"},
}

// Flag is one relief flag: the relief, the answers (question keys) that
// raised it, and a note on the age condition when the rule has one.
type Flag struct {
	Relief  Relief   `json:"relief"`
	Because []string `json:"because"`
	Note    string   `json:"note,omitempty"`
	Law     string   `json:"law"`
}

// Flags applies the table to a screening's answers for a child of age
// (negative when the birth date is unknown). The result is never nil.
func Flags(answers map[string]Answer, age int) []Flag {
	out := []Flag{}
	for _, r := range Rules {
		if f, ok := r.apply(answers, age); ok {
			out = append(out, f)
		}
	}
	return out
}

func (r Rule) apply(answers map[string]Answer, age int) (Flag, bool) {
	because := []string{}
	for _, k := range r.AllOf {
		if answers[k] != Yes {
			return Flag{}, false
		}
		because = append(because, k)
	}
	if len(r.AnyOf) > 0 {
		n := len(because)
		for _, k := range r.AnyOf {
			if answers[k] == Yes {
				because = append(because, k)
			}
		}
		if len(because) == n {
			return Flag{}, false
		}
	}
	f := Flag{Relief: r.Relief, Because: because, Law: r.Law}
	if r.MaxAge > 0 {
		switch {
		case age < 0:
			f.Note = fmt.Sprintf("age unknown: must be under %d", r.MaxAge)
		case age >= r.MaxAge:
			return Flag{}, false
		default:
			f.Note = fmt.Sprintf("age %d: under %d", age, r.MaxAge)
		}
	}
	return f, true
}
