package auth

import "github.com/amparo-project/amparo/internal/errs"

// Permission names one thing a person may do. Routes, CLI commands and
// domain code check permissions, never roles, so this file is the whole
// access policy.
type Permission string

// Anyone marks what needs no sign-in at all: the login page, health checks
// and public data (indicators, the aid scorecard).
const Anyone Permission = "anyone"

const (
	// Foundation.
	PermSelf       Permission = "self"        // see one's own account
	PermAuditRead  Permission = "audit.read"  // read the audit log
	PermUsersAdmin Permission = "users.admin" // manage accounts

	// Children (custody flow). Lines are added here by the children domain.
	PermCaseCreate         Permission = "case.create"          // intake of a child
	PermCaseRead           Permission = "case.read"            // read cases within one's scope (see children.Scope)
	PermCaseUpdate         Permission = "case.update"          // state changes, deadlines met, placement, transfers
	PermCaseImport         Permission = "case.import"          // bulk intake from CSV
	PermCaseReleaseApprove Permission = "case.release.approve" // the second person who approves a release (supervisor)
	PermFacilityRead       Permission = "facility.read"        // facilities, beds and occupancy
	PermFacilityManage     Permission = "facility.manage"      // create facilities, set beds, assign staff
	PermSponsorManage      Permission = "sponsor.manage"       // sponsor records and vetting results
	PermBoardRead          Permission = "board.read"           // the deadline board (scoped like case.read)
	PermCaseStats          Permission = "case.stats"           // aggregate counts only, small counts shown as "<10"
	PermCaseLegalRecord    Permission = "case.legal.record"    // record know-your-rights and legal screening as done
	PermCaseExport         Permission = "case.export"          // take a case list out as CSV (within one's scope)
	PermCaseWork           Permission = "case.work"            // notes, tasks and documents on the cases one sees
	PermCaseMerge          Permission = "case.merge"           // merge two cases of one child (both in one's scope)

	// Tracing.
	PermTracingRequest Permission = "tracing.request" // record and read tracing requests from relatives
	PermTracingSearch  Permission = "tracing.search"  // search cases for a described person (results scoped like case.read)
	PermTracingDecide  Permission = "tracing.decide"  // confirm or reject a candidate match, link a relative to a case

	// Indicators. Reading them is public (Anyone); importing changes what
	// everyone reads.
	PermIndicatorsImport Permission = "indicators.import" // import published files (command line: the operator)

	// Aid. Reading aid records and the scorecard is public (Anyone).
	PermAidManage         Permission = "aid.manage"          // packages, programs, tranches, conditions, facts, evaluations; propose and approve decisions (two different officers)
	PermAidEvidenceSubmit Permission = "aid.evidence.submit" // submit evidence and see one's own submissions (civil-society organisations)

	// Legal services. Reading and recording a child's screening use
	// case.read and case.legal.record, scoped like the case.
	PermLegalProvidersRead   Permission = "legal.providers.read"   // the pro bono provider directory
	PermLegalProvidersManage Permission = "legal.providers.manage" // add providers, link legal accounts to them
	PermLegalRefer           Permission = "legal.refer"            // match and refer a flagged child to a provider
	PermLegalRespond         Permission = "legal.respond"          // accept or decline a referral (legal: own organisation's only)
	PermLegalQueue           Permission = "legal.queue"            // flagged children without counsel (legal: own organisation's)
	PermFollowUpRead         Permission = "followup.read"          // follow-up calls after release, the lost-contact board, escalations
	PermFollowUpRecord       Permission = "followup.record"        // record a follow-up call attempt
	PermEscalationClose      Permission = "followup.escalation"    // act on a follow-up concern and close it (a supervisor)
)

// permissions is the access policy: which roles hold each permission.
// Keep one line per permission; a test walks every route against it.
var permissions = map[Permission][]Role{
	PermSelf:       Roles,
	PermAuditRead:  {RoleAdmin, RoleAuditor},
	PermUsersAdmin: {RoleAdmin},

	// Children. A supervisor is the second person who approves a release
	// (four eyes) and sees the cases of the facilities they supervise;
	// admin keeps the approval too for now (the operator acts as admin).
	PermCaseCreate:         {RoleAdmin, RoleIntake},
	PermCaseRead:           {RoleAdmin, RoleIntake, RoleCaseworker, RoleSupervisor, RoleLegal},
	PermCaseUpdate:         {RoleAdmin, RoleIntake, RoleCaseworker},
	PermCaseImport:         {RoleAdmin, RoleIntake},
	PermCaseReleaseApprove: {RoleAdmin, RoleSupervisor},
	PermFacilityRead:       {RoleAdmin, RoleIntake, RoleCaseworker, RoleSupervisor, RoleLegal},
	PermFacilityManage:     {RoleAdmin},
	PermSponsorManage:      {RoleAdmin, RoleCaseworker, RoleSupervisor},
	PermBoardRead:          {RoleAdmin, RoleIntake, RoleCaseworker, RoleSupervisor, RoleLegal},
	PermCaseStats:          Roles,
	PermCaseLegalRecord:    {RoleAdmin, RoleCaseworker, RoleLegal},
	// A list of children's names and birth dates leaving the system is a
	// supervisor's decision (reports to the program office), not every
	// caseworker's.
	PermCaseExport: {RoleAdmin, RoleSupervisor},
	// Legal staff keep their privileged notes in their own systems, not
	// on the case the facility reads.
	PermCaseWork: {RoleAdmin, RoleIntake, RoleCaseworker, RoleSupervisor},
	// Merging closes a child's record: a supervisor's act, or an admin's.
	PermCaseMerge: {RoleAdmin, RoleSupervisor},

	// Tracing.
	PermTracingRequest: {RoleAdmin, RoleIntake, RoleCaseworker},
	PermTracingSearch:  {RoleAdmin, RoleIntake, RoleCaseworker},
	PermTracingDecide:  {RoleAdmin, RoleCaseworker},

	// Indicators.
	PermIndicatorsImport: {RoleAdmin},

	// Aid.
	PermAidManage:         {RoleAdmin, RoleAidOfficer},
	PermAidEvidenceSubmit: {RoleAdmin, RoleAidOfficer, RoleCivilSociety},

	// Legal services.
	PermLegalProvidersRead:   {RoleAdmin, RoleCaseworker, RoleSupervisor, RoleLegal},
	PermLegalProvidersManage: {RoleAdmin},
	PermLegalRefer:           {RoleAdmin, RoleCaseworker},
	PermLegalRespond:         {RoleAdmin, RoleLegal},
	PermLegalQueue:           {RoleAdmin, RoleCaseworker, RoleSupervisor, RoleLegal},
	PermFollowUpRead:         {RoleAdmin, RoleCaseworker, RoleSupervisor},
	PermFollowUpRecord:       {RoleAdmin, RoleCaseworker, RoleSupervisor},
	PermEscalationClose:      {RoleAdmin, RoleSupervisor},
}

// ErrForbidden is wrapped by every domain's refusal of an action the
// actor's role does not allow; the web layer answers it with 403.
var ErrForbidden = errs.ErrForbidden

// Allowed reports whether role holds perm. Anyone is allowed to everyone;
// an unknown permission is allowed to no one.
func Allowed(role Role, perm Permission) bool {
	if perm == Anyone {
		return true
	}
	for _, r := range permissions[perm] {
		if r == role {
			return true
		}
	}
	return false
}

// Permissions lists every permission in the table, for tests and docs.
func Permissions() []Permission {
	out := make([]Permission, 0, len(permissions))
	for p := range permissions {
		out = append(out, p)
	}
	return out
}
