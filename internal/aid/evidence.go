package aid

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// MaxDocumentBytes caps an evidence document.
const MaxDocumentBytes = 8 << 20

// documentTypes are the content types accepted for documents, as read from
// their first bytes (http.DetectContentType), never from their names.
var documentTypes = []string{"application/pdf", "image/png", "image/jpeg", "text/plain; charset=utf-8"}

// Evidence is a document or statement about a condition or a country's
// conditions: for or against (counter-evidence).
type Evidence struct {
	ID           int64      `json:"id"`
	Country      string     `json:"country"`
	ConditionID  *int64     `json:"condition_id"`
	Stance       string     `json:"stance"` // supports, contradicts
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	SourceURL    string     `json:"source_url"`
	DocName      string     `json:"doc_name"`
	DocType      string     `json:"doc_type"`
	DocSize      int64      `json:"doc_size"`
	DocSHA256    string     `json:"doc_sha256"`
	SubmittedBy  int64      `json:"-"`
	Submitter    string     `json:"submitter,omitempty"` // shown to reviewers and the submitter only
	Role         string     `json:"submitter_role"`
	SubmittedAt  time.Time  `json:"submitted_at"`
	Status       string     `json:"status"` // submitted, accepted, rejected
	ReviewedAt   *time.Time `json:"reviewed_at"`
	ReviewReason string     `json:"review_reason"`
}

// Submission is what a submitter sends; Document is the file's bytes
// (base64 in JSON), optional.
type Submission struct {
	Country     string `json:"country"`
	ConditionID *int64 `json:"condition_id"`
	Stance      string `json:"stance"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	SourceURL   string `json:"source_url"`
	DocName     string `json:"doc_name"`
	Document    []byte `json:"document"`
}

// Review accepts or rejects an item, with a reason.
type Review struct {
	Accept bool   `json:"accept"`
	Reason string `json:"reason"`
}

// ErrOwnEvidence refuses a review by the item's submitter.
var ErrOwnEvidence = errs.Conflict("evidence is accepted or rejected by someone other than its submitter")

// checkSubmission validates a submission and reads the document's type
// from its bytes.
func checkSubmission(in *Submission) (docType string, err error) {
	v := &errs.ValidationError{}
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	if len(in.Country) != 3 {
		v.Add("country", "must be an ISO 3166 alpha-3 code")
	}
	if in.Stance != "supports" && in.Stance != "contradicts" {
		v.Add("stance", "must be supports or contradicts")
	}
	if strings.TrimSpace(in.Title) == "" {
		v.Add("title", "is required")
	}
	if strings.TrimSpace(in.Summary) == "" {
		v.Add("summary", "is required")
	}
	if in.SourceURL != "" && !strings.HasPrefix(in.SourceURL, "https://") && !strings.HasPrefix(in.SourceURL, "http://") {
		v.Add("source_url", "must be an http(s) address")
	}
	if len(in.Document) > 0 {
		docType = http.DetectContentType(in.Document)
		if !oneOf(docType, documentTypes) {
			v.Add("document", "its content is %s; accepted: PDF, PNG, JPEG, plain UTF-8 text", docType)
		}
		if len(in.Document) > MaxDocumentBytes {
			v.Add("document", "is larger than %d bytes", MaxDocumentBytes)
		}
		if strings.TrimSpace(in.DocName) == "" {
			v.Add("doc_name", "is required with a document")
		}
	}
	return docType, v.Err()
}

// SubmitEvidence records an item of evidence, submitted for review.
// Civil-society organisations and aid officers may submit.
func (s *Service) SubmitEvidence(ctx context.Context, in Submission) (*Evidence, error) {
	who, err := auth.Require(ctx, auth.PermAidEvidenceSubmit)
	if err != nil {
		return nil, err
	}
	docType, err := checkSubmission(&in)
	if err != nil {
		return nil, err
	}
	e := &Evidence{Country: in.Country, ConditionID: in.ConditionID, Stance: in.Stance, Title: in.Title, Summary: in.Summary, SourceURL: in.SourceURL,
		DocType: docType, DocSize: int64(len(in.Document)), SubmittedBy: who.UserID, Submitter: who.Email, Role: string(who.Role),
		SubmittedAt: s.now().UTC(), Status: "submitted"}
	var doc any
	if len(in.Document) > 0 {
		sum := sha256.Sum256(in.Document)
		e.DocName, e.DocSHA256, doc = in.DocName, hex.EncodeToString(sum[:]), in.Document
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if in.ConditionID != nil {
			var n int
			if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM aid_conditions WHERE id = ?`, *in.ConditionID).Scan(&n); err != nil {
				return fmt.Errorf("aid: submit evidence: %w", err)
			}
			if n == 0 {
				return &errs.ValidationError{Problems: []errs.FieldError{{Field: "condition_id", Problem: "no such condition"}}}
			}
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_evidence (country, condition_id, stance, title, summary, source_url, doc_name, doc_type, doc_size, doc_sha256, doc,
			submitted_by, submitter, submitter_role, submitted_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted') RETURNING id`,
			e.Country, e.ConditionID, e.Stance, e.Title, e.Summary, e.SourceURL, e.DocName, e.DocType, e.DocSize, e.DocSHA256, doc,
			e.SubmittedBy, e.Submitter, e.Role, store.FormatTime(e.SubmittedAt)).Scan(&e.ID); err != nil {
			return fmt.Errorf("aid: submit evidence: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.evidence.submit", ObjectType: "aid_evidence", ObjectID: fmt.Sprint(e.ID),
			Detail: fmt.Sprintf("%s %s sha256 %s %d bytes", e.Country, e.Stance, e.DocSHA256, e.DocSize)})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ReviewEvidence accepts or rejects a submitted item, with a reason, by
// an aid officer other than its submitter.
func (s *Service) ReviewEvidence(ctx context.Context, id int64, in Review) (*Evidence, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	if err := CheckReview(in); err != nil {
		return nil, err
	}
	var e *Evidence
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if e, err = s.loadEvidence(ctx, id); err != nil {
			return err
		}
		if e.SubmittedBy == who.UserID {
			return ErrOwnEvidence
		}
		if e.Status != "submitted" {
			return errs.Conflict("evidence %d is already %s", id, e.Status)
		}
		e.Status = "rejected"
		if in.Accept {
			e.Status = "accepted"
		}
		now := s.now().UTC()
		e.ReviewedAt, e.ReviewReason = &now, in.Reason
		if _, err := s.db.Exec(ctx, `UPDATE aid_evidence SET status = ?, reviewed_by = ?, reviewed_at = ?, review_reason = ? WHERE id = ? AND status = 'submitted'`,
			e.Status, who.UserID, store.FormatTime(now), in.Reason, id); err != nil {
			return fmt.Errorf("aid: review evidence: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.evidence.review", ObjectType: "aid_evidence", ObjectID: fmt.Sprint(id), Detail: e.Status})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

const evidenceCols = `id, country, condition_id, stance, title, summary, source_url, doc_name, doc_type, doc_size, doc_sha256,
	submitted_by, submitter, submitter_role, submitted_at, status, reviewed_at, review_reason`

func scanEvidence(sc interface{ Scan(...any) error }) (*Evidence, error) {
	var e Evidence
	var cond sql.NullInt64
	var sub, rev store.Time
	if err := sc.Scan(&e.ID, &e.Country, &cond, &e.Stance, &e.Title, &e.Summary, &e.SourceURL, &e.DocName, &e.DocType, &e.DocSize, &e.DocSHA256,
		&e.SubmittedBy, &e.Submitter, &e.Role, &sub, &e.Status, &rev, &e.ReviewReason); err != nil {
		return nil, err
	}
	if cond.Valid {
		e.ConditionID = &cond.Int64
	}
	e.SubmittedAt = sub.Time
	if !rev.IsZero() {
		t := rev.Time
		e.ReviewedAt = &t
	}
	return &e, nil
}

func (s *Service) loadEvidence(ctx context.Context, id int64) (*Evidence, error) {
	return rowByID(ctx, s.db, "evidence", "aid_evidence", evidenceCols, id, scanEvidence)
}

// EvidenceFilter selects evidence: Mine (the caller's own submissions,
// any status), or by country and status.
type EvidenceFilter struct {
	Country string
	Status  string
	Mine    bool
}

// ListEvidence returns evidence the caller may see: accepted items to
// anyone; the caller's own submissions with Mine (aid.evidence.submit);
// every item to aid officers. Submitters' emails are shown to aid officers
// and to the submitter only.
func (s *Service) ListEvidence(ctx context.Context, f EvidenceFilter) ([]Evidence, error) {
	p, signed := auth.Acting(ctx)
	manager := signed && auth.Allowed(p.Role, auth.PermAidManage)
	if f.Mine {
		if _, err := auth.Require(ctx, auth.PermAidEvidenceSubmit); err != nil {
			return nil, err
		}
	}
	var me int64
	if signed {
		me = p.UserID
	}
	return s.evidence(ctx, f, manager, me)
}

// evidence lists evidence for a reader: a manager sees every item and
// every submitter; anyone else accepted items (and, with f.Mine, their
// own), and only their own submitter address (me; 0 for nobody).
func (s *Service) evidence(ctx context.Context, f EvidenceFilter, manager bool, me int64) ([]Evidence, error) {
	q := `SELECT ` + evidenceCols + ` FROM aid_evidence WHERE 1=1`
	var args []any
	switch {
	case f.Mine:
		q += ` AND submitted_by = ?`
		args = append(args, me)
	case !manager:
		q += ` AND status = 'accepted'`
	}
	if f.Country != "" {
		q += ` AND country = ?`
		args = append(args, strings.ToUpper(f.Country))
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("aid: evidence: %w", err)
	}
	defer rows.Close()
	out := []Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("aid: evidence: %w", err)
		}
		if !manager && (me == 0 || e.SubmittedBy != me) {
			e.Submitter = ""
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// EvidenceDocument returns an item's document: accepted items' to anyone,
// others' to aid officers and the submitter; not found otherwise.
func (s *Service) EvidenceDocument(ctx context.Context, id int64) (*Evidence, []byte, error) {
	e, err := s.loadEvidence(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p, signed := auth.Acting(ctx)
	if e.Status != "accepted" && !(signed && (auth.Allowed(p.Role, auth.PermAidManage) || p.UserID == e.SubmittedBy)) {
		return nil, nil, errs.NotFound("aid: evidence", id)
	}
	if e.DocSize == 0 {
		return nil, nil, errs.NotFound("aid: document of evidence", id)
	}
	var doc []byte
	if err := s.db.QueryRow(ctx, `SELECT doc FROM aid_evidence WHERE id = ?`, id).Scan(&doc); err != nil {
		return nil, nil, fmt.Errorf("aid: evidence %d document: %w", id, err)
	}
	return e, doc, nil
}
