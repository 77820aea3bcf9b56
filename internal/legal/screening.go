package legal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Advice is what every screening says of its flags.
const Advice = "Flags are advice for an attorney to look further, never a decision about the child's eligibility."

// Screening is a child's legal screening: the answers, the relief flags
// they raised, who screened and when. A child not yet screened has no
// answers and a null screened_at.
type Screening struct {
	CaseID         int64             `json:"case_id"`
	Child          *custody.Brief    `json:"child"`
	Answers        map[string]Answer `json:"answers"`
	Flags          []Flag            `json:"flags"`
	Notes          string            `json:"notes"`
	ScreenedBy     string            `json:"screened_by"`
	ScreenedAt     *time.Time        `json:"screened_at"`
	FirstFlaggedAt *time.Time        `json:"first_flagged_at"`
	// DeadlineMet says whether saving met the legal-screening clock (only
	// in the answer to a save).
	DeadlineMet bool   `json:"deadline_met"`
	Advice      string `json:"advice"`
}

// ScreeningInput is what an advocate records: an answer to every question
// (yes, no or unsure) and notes.
type ScreeningInput struct {
	Answers map[string]Answer `json:"answers"`
	Notes   string            `json:"notes"`
}

// maxNoteChars bounds the free text of a screening's notes and of a
// referral's decline reason: a reason, not a file.
const maxNoteChars = 4000

// check lists every problem with the input, by field ("answers.<key>").
func (in *ScreeningInput) check() error {
	v := &errs.ValidationError{}
	for k := range in.Answers {
		if !IsQuestion(k) {
			v.Add("answers."+k, "no such question")
		}
	}
	for _, q := range Questions {
		switch in.Answers[q.Key] {
		case Yes, No, Unsure:
		case "":
			v.Add("answers."+q.Key, "answer yes, no or unsure")
		default:
			v.Add("answers."+q.Key, "%q is not an answer: yes, no or unsure", in.Answers[q.Key])
		}
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if len(in.Notes) > maxNoteChars {
		v.Add("notes", "at most %d characters", maxNoteChars)
	}
	return v.Err()
}

// Screening returns a case's screening (an empty one when none is
// recorded), for a case in the caller's scope; the read is audited.
func (s *Service) Screening(ctx context.Context, caseID int64) (*Screening, error) {
	return readForCase(ctx, s, auth.PermCaseRead, caseID, "legal.screening.read", "screening", func(ctx context.Context, c *custody.Case) (*Screening, error) {
		out, err := s.loadScreening(ctx, caseID)
		if err != nil {
			return nil, err
		}
		out.Child = brief(c)
		return out, nil
	})
}

// SaveScreening records a case's screening (replacing the one before),
// works out its relief flags, and meets the case's legal-screening clock
// when it is open, in one transaction.
func (s *Service) SaveScreening(ctx context.Context, caseID int64, in ScreeningInput) (*Screening, error) {
	if _, err := auth.Require(ctx, auth.PermCaseLegalRecord); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var out *Screening
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		now := s.now().Truncate(time.Microsecond) // as stored
		before, err := s.loadScreening(ctx, caseID)
		if err != nil {
			return err
		}
		sc := &Screening{CaseID: caseID, Child: brief(c), Answers: in.Answers, Flags: Flags(in.Answers, c.Age(now)), Notes: in.Notes,
			ScreenedBy: actorName(ctx), ScreenedAt: &now, FirstFlaggedAt: before.FirstFlaggedAt, Advice: Advice}
		if len(sc.Flags) > 0 && sc.FirstFlaggedAt == nil {
			sc.FirstFlaggedAt = &now
		}
		if len(sc.Flags) == 0 {
			sc.FirstFlaggedAt = nil
		}
		if err := s.writeScreening(ctx, sc, before.ScreenedAt != nil); err != nil {
			return err
		}
		// A child accepted by counsel before this screening raised the
		// flags again (after one that cleared them) has not been without
		// counsel since: the chart's "represented since" is not before the
		// flag, else the chart would take the child off the weeks before
		// it (TestChartEqualsRecount found it; migration 00508 mends
		// older rows).
		if _, err := s.db.Exec(ctx, `UPDATE legal_screenings SET counsel_at = first_flagged_at WHERE case_id = ? AND counsel_at < first_flagged_at`, caseID); err != nil {
			return err
		}
		if sc.DeadlineMet, err = s.cases.MeetOpenDeadline(ctx, caseID, custody.DeadlineLegalScreening, "screening recorded"); err != nil {
			return err
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "legal.screening", Reason: fmt.Sprintf("legal screening recorded: %s", flagList(sc.Flags))}); err != nil {
			return err
		}
		out = sc
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.screening.save", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: flagList(sc.Flags)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: save screening of case %d: %w", caseID, err)
	}
	return out, nil
}

func flagList(fs []Flag) string {
	if len(fs) == 0 {
		return "no relief flag"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f.Relief)
	}
	return "flags " + strings.Join(names, ", ")
}

func (s *Service) loadScreening(ctx context.Context, caseID int64) (*Screening, error) {
	sc := &Screening{CaseID: caseID, Answers: map[string]Answer{}, Flags: []Flag{}, Advice: Advice}
	var answers, flags string
	var at, first store.Time
	err := s.db.QueryRow(ctx, `SELECT answers, flags, notes, screened_by, screened_at, first_flagged_at FROM legal_screenings WHERE case_id = ?`, caseID).
		Scan(&answers, &flags, &sc.Notes, &sc.ScreenedBy, &at, &first)
	if store.IsNoRows(err) {
		return sc, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &sc.Answers); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	if err := json.Unmarshal([]byte(flags), &sc.Flags); err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	sc.ScreenedAt, sc.FirstFlaggedAt = timePtr(at), timePtr(first)
	return sc, nil
}

func (s *Service) writeScreening(ctx context.Context, sc *Screening, exists bool) error {
	answers, err := json.Marshal(sc.Answers)
	if err != nil {
		return err
	}
	flags, err := json.Marshal(sc.Flags)
	if err != nil {
		return err
	}
	var first sql.NullString
	if sc.FirstFlaggedAt != nil {
		first = sql.NullString{String: store.FormatTime(*sc.FirstFlaggedAt), Valid: true}
	}
	flagged := 0
	if len(sc.Flags) > 0 {
		flagged = 1
	}
	country := ""
	if sc.Child != nil {
		country = sc.Child.BirthCountry
	}
	if exists {
		_, err = s.db.Exec(ctx, `UPDATE legal_screenings SET answers = ?, flags = ?, flagged = ?, notes = ?, screened_by = ?, screened_at = ?, first_flagged_at = ?, birth_country = ? WHERE case_id = ?`,
			string(answers), string(flags), flagged, sc.Notes, sc.ScreenedBy, store.FormatTime(*sc.ScreenedAt), first, country, sc.CaseID)
	} else {
		_, err = s.db.Exec(ctx, `INSERT INTO legal_screenings (case_id, answers, flags, flagged, notes, screened_by, screened_at, first_flagged_at, birth_country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sc.CaseID, string(answers), string(flags), flagged, sc.Notes, sc.ScreenedBy, store.FormatTime(*sc.ScreenedAt), first, country)
		if store.IsUniqueViolation(err) {
			return errs.Conflict("the screening of case %d was saved by someone else at the same moment: reload and save again", sc.CaseID)
		}
	}
	return err
}

func brief(c *custody.Case) *custody.Brief {
	b := &custody.Brief{Name: c.DisplayName(), State: c.State, BirthCountry: c.BirthCountry}
	if c.Sex != "" {
		b.Sex = &c.Sex
	}
	if c.BirthDate != "" {
		b.BirthDate = &c.BirthDate
	}
	return b
}
