package aid

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Package is an appropriation or pledge to one recipient country.
type Package struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Donor       string `json:"donor"`
	Recipient   string `json:"recipient"` // ISO 3166 alpha-3
	FiscalYear  int    `json:"fiscal_year"`
	Amount      *int64 `json:"amount"` // whole units of Currency; null when the public record states none
	Currency    string `json:"currency"`
	LegalBasis  string `json:"legal_basis"`
	Citation    string `json:"citation"`
	CitationURL string `json:"citation_url"`
}

// Program is what a package funds.
type Program struct {
	ID                int64  `json:"id"`
	PackageID         int64  `json:"package_id"`
	Title             string `json:"title"`
	Sector            string `json:"sector"`
	Partner           string `json:"partner"`
	Amount            int64  `json:"amount"`
	InterventionModel string `json:"intervention_model"`
	EvidenceRating    string `json:"evidence_rating"` // "" when no clearinghouse rated the model
	EvidenceURL       string `json:"evidence_url"`
	Citation          string `json:"citation"`
	// Results is the program's results framework (read with the package).
	Results []Result `json:"results"`
}

// PackageView is a package with its programs and tranches.
type PackageView struct {
	Package
	Programs []Program `json:"programs"`
	Tranches []Tranche `json:"tranches"`
}

func checkPackage(p *Package) error {
	v := &errs.ValidationError{}
	p.Recipient = strings.ToUpper(strings.TrimSpace(p.Recipient))
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	for _, f := range []struct{ name, val string }{{"title", p.Title}, {"donor", p.Donor}, {"legal_basis", p.LegalBasis}, {"citation", p.Citation}} {
		if strings.TrimSpace(f.val) == "" {
			v.Add(f.name, "is required")
		}
	}
	if len(p.Recipient) != 3 || strings.Trim(p.Recipient, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		v.Add("recipient", "must be an ISO 3166 alpha-3 code (or NT3, the Northern Triangle together)")
	}
	if len(p.Currency) != 3 {
		v.Add("currency", "must be an ISO 4217 code")
	}
	if p.FiscalYear < 1950 || p.FiscalYear > 2100 {
		v.Add("fiscal_year", "must be a year")
	}
	if p.Amount != nil {
		if err := checkAmount(*p.Amount); err != nil {
			v.Add("amount", "%v", err)
		}
	}
	return v.Err()
}

// CreatePackage records a package.
func (s *Service) CreatePackage(ctx context.Context, p Package) (*Package, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	if err := checkPackage(&p); err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_packages (title, donor, recipient, fiscal_year, amount, currency, legal_basis, citation, citation_url, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Title, p.Donor, p.Recipient, p.FiscalYear, p.Amount, p.Currency,
			p.LegalBasis, p.Citation, p.CitationURL, who.Email, store.FormatTime(s.now())).Scan(&p.ID); err != nil {
			return fmt.Errorf("aid: create package: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.package.create", ObjectType: "aid_package", ObjectID: fmt.Sprint(p.ID),
			Detail: fmt.Sprintf("%s %s FY%d %s %s", p.Donor, p.Recipient, p.FiscalYear, amountText(p.Amount), p.Currency)})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

const packageCols = `id, title, donor, recipient, fiscal_year, amount, currency, legal_basis, citation, citation_url`

func scanPackage(sc interface{ Scan(...any) error }) (Package, error) {
	var p Package
	var amt sql.NullInt64
	err := sc.Scan(&p.ID, &p.Title, &p.Donor, &p.Recipient, &p.FiscalYear, &amt, &p.Currency, &p.LegalBasis, &p.Citation, &p.CitationURL)
	if amt.Valid {
		p.Amount = &amt.Int64
	}
	return p, err
}

func (s *Service) loadPackage(ctx context.Context, id int64) (Package, error) {
	return rowByID(ctx, s.db, "package", "aid_packages", packageCols, id, scanPackage)
}

// ListPackages returns every package, newest fiscal year first; country
// ("" for all) filters by recipient. Public.
func (s *Service) ListPackages(ctx context.Context, country string) ([]Package, error) {
	q := `SELECT ` + packageCols + ` FROM aid_packages`
	var args []any
	if country != "" {
		q += ` WHERE recipient = ?`
		args = append(args, strings.ToUpper(country))
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY fiscal_year DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("aid: list packages: %w", err)
	}
	defer rows.Close()
	out := []Package{}
	for rows.Next() {
		p, err := scanPackage(rows)
		if err != nil {
			return nil, fmt.Errorf("aid: list packages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// GetPackage returns a package with its programs and tranches (each with
// its conditions). Public.
func (s *Service) GetPackage(ctx context.Context, id int64) (*PackageView, error) {
	p, err := s.loadPackage(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &PackageView{Package: p}
	if v.Programs, err = s.programs(ctx, id); err != nil {
		return nil, err
	}
	if v.Tranches, err = s.tranches(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

func checkProgram(p *Program) error {
	v := &errs.ValidationError{}
	for _, f := range []struct{ name, val string }{{"title", p.Title}, {"partner", p.Partner}, {"citation", p.Citation}} {
		if strings.TrimSpace(f.val) == "" {
			v.Add(f.name, "is required")
		}
	}
	if !oneOf(p.Sector, Sectors) {
		v.Add("sector", "must be one of %s", strings.Join(Sectors, ", "))
	}
	if p.EvidenceRating != "" && !oneOf(p.EvidenceRating, EvidenceRatings) {
		v.Add("evidence_rating", "must be empty (not rated) or one of %s", strings.Join(EvidenceRatings, ", "))
	}
	if p.EvidenceRating != "" && (p.InterventionModel == "" || p.EvidenceURL == "") {
		v.Add("evidence_url", "a rating needs the intervention model and the clearinghouse's link")
	}
	if err := checkAmount(p.Amount); err != nil {
		v.Add("amount", "%v", err)
	}
	return v.Err()
}

// AddProgram records a program funded by package pkgID.
func (s *Service) AddProgram(ctx context.Context, pkgID int64, p Program) (*Program, error) {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return nil, err
	}
	if err := checkProgram(&p); err != nil {
		return nil, err
	}
	p.PackageID, p.Results = pkgID, []Result{}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.loadPackage(ctx, pkgID); err != nil {
			return err
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_programs (package_id, title, sector, partner, amount, intervention_model, evidence_rating, evidence_url, citation, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, pkgID, p.Title, p.Sector, p.Partner, p.Amount, p.InterventionModel,
			p.EvidenceRating, p.EvidenceURL, p.Citation, store.FormatTime(s.now())).Scan(&p.ID); err != nil {
			return fmt.Errorf("aid: add program: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.program.create", ObjectType: "aid_package", ObjectID: fmt.Sprint(pkgID),
			Detail: fmt.Sprintf("program %d %s %d", p.ID, p.Sector, p.Amount)})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (s *Service) programs(ctx context.Context, pkgID int64) ([]Program, error) {
	rows, err := s.db.Query(ctx, `SELECT id, package_id, title, sector, partner, amount, intervention_model, evidence_rating, evidence_url, citation
		FROM aid_programs WHERE package_id = ? ORDER BY id`, pkgID)
	if err != nil {
		return nil, fmt.Errorf("aid: programs: %w", err)
	}
	out := []Program{}
	for rows.Next() {
		var p Program
		if err := rows.Scan(&p.ID, &p.PackageID, &p.Title, &p.Sector, &p.Partner, &p.Amount, &p.InterventionModel, &p.EvidenceRating, &p.EvidenceURL, &p.Citation); err != nil {
			rows.Close()
			return nil, fmt.Errorf("aid: programs: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aid: programs: %w", err)
	}
	for i := range out {
		if out[i].Results, err = s.ListResults(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
