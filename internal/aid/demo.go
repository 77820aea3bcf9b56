package aid

import (
	"context"
	"fmt"
	"time"
)

// The demonstration data is the public record, and only what can be cited:
// every figure, date and text below names its source. Where the record
// Amparo ships does not state a figure (each country's share of the FY2016
// funds, the amounts of the two withheld tranches, the migration
// certifications of sec. 7045(a)(3)(A), El Salvador's governance
// certification), it is left out (amounts are null; a certification not on
// record leaves its hurdle insufficient_evidence) rather than guessed.

const (
	act2016     = "Consolidated Appropriations Act, 2016 (P.L. 114-113, 129 Stat. 2242), Division K, sec. 7045(a)(3)"
	act2016URL  = "https://www.congress.gov/114/plaws/publ113/PLAW-114publ113.pdf"
	fact2014    = "The White House, Office of the Press Secretary, \"Fact Sheet: Unaccompanied Children from Central America\", 20 June 2014"
	fact2014URL = "https://obamawhitehouse.archives.gov/the-press-office/2014/06/20/fact-sheet-unaccompanied-children-central-america"
	// wordingNote marks legal wording entered from the Act's text as
	// quoted in secondary sources: check it against the enrolled text
	// (act2016URL) before publishing.
	wordingNote = act2016 + "; wording to be checked against the enrolled text"
)

// migrationSteps are sec. 7045(a)(3)(A): 25% of the assistance to each
// central government withheld until the Secretary certifies that it is
// taking effective steps to these ends.
var migrationSteps = []struct{ ref, wording string }{
	{"7045(a)(3)(A)(i)", "inform its citizens of the dangers of the journey to the southwest border of the United States"},
	{"7045(a)(3)(A)(ii)", "combat human smuggling and trafficking"},
	{"7045(a)(3)(A)(iii)", "improve border security"},
	{"7045(a)(3)(A)(iv)", "cooperate with United States Government agencies and other governments in the region to facilitate the return, repatriation, and reintegration of migrants arriving at the southwest border of the United States who do not qualify for asylum, consistent with international law"},
}

// governanceStep is one of sec. 7045(a)(3)(B)'s twelve steps (50%
// withheld), with the kind and the machine rule Amparo checks it by where
// the imported indicators can say something about it. rules maps a
// country to its rule when it differs by country ("" for none).
type governanceStep struct {
	ref, wording, kind string
	rule               string
	rules              map[string]string
}

var governanceSteps = []governanceStep{
	{ref: "7045(a)(3)(B)(i)", wording: "establish an autonomous, publicly accountable entity to provide oversight of the Plan", kind: KindInstitutional},
	{ref: "7045(a)(3)(B)(ii)", wording: "combat corruption, including investigating and prosecuting current and former government officials credibly alleged to be corrupt", kind: KindTrend,
		rule: `series("wgi_cc").after(2014) > series("wgi_cc").at(2014)`},
	{ref: "7045(a)(3)(B)(iii)", wording: "implement reforms, policies, and programs to increase transparency and strengthen public institutions, including increasing the capacity and independence of the judiciary and the Office of the Attorney General", kind: KindTrend,
		rule: `series("wgi_rl").after(2014) > series("wgi_rl").at(2014)`},
	{ref: "7045(a)(3)(B)(iv)", wording: "implement a policy to ensure that local communities, civil society organizations (including indigenous and other marginalized groups), and local governments are consulted in the design, and participate in the implementation and evaluation of, activities of the Plan that affect such communities, organizations, or governments", kind: KindInstitutional},
	{ref: "7045(a)(3)(B)(v)", wording: "counter the activities of criminal gangs, drug traffickers, and organized crime", kind: KindTrend,
		rule: `series("homicide_rate").after(2014) < series("homicide_rate").at(2014)`},
	{ref: "7045(a)(3)(B)(vi)", wording: "investigate and prosecute in the civilian justice system government personnel, including military and police personnel, who are credibly alleged to have violated human rights, and ensure that the military and police are cooperating in such cases", kind: KindInstitutional},
	{ref: "7045(a)(3)(B)(vii)", wording: "cooperate with commissions against corruption and impunity and with regional human rights entities", kind: KindInstitutional,
		rules: map[string]string{"GTM": `fact("cicig_operating")`, "HND": `fact("maccih_operating")`}},
	{ref: "7045(a)(3)(B)(viii)", wording: "support programs to reduce poverty, expand education and vocational training programs for at-risk youth, create jobs, and promote equitable economic growth, particularly in areas contributing to large numbers of migrants", kind: KindTrend,
		rule: `series("poverty_365").after(2014) < series("poverty_365").at(2014)`},
	{ref: "7045(a)(3)(B)(ix)", wording: "establish and implement a plan to create a professional, accountable civilian police force and end the role of the military in internal policing", kind: KindInstitutional},
	{ref: "7045(a)(3)(B)(x)", wording: "protect the right of political opposition parties, journalists, trade unionists, human rights defenders, and other civil society activists to operate without interference", kind: KindTrend,
		rule: `series("wgi_va").after(2014) > series("wgi_va").at(2014)`},
	{ref: "7045(a)(3)(B)(xi)", wording: "increase government revenues, including by implementing tax reforms and strengthening customs agencies", kind: KindInstitutional},
	{ref: "7045(a)(3)(B)(xii)", wording: "resolve commercial disputes, including the confiscation of real property, between United States entities and such government", kind: KindInstitutional},
}

// demoFacts are facts on the public record the rules read.
var demoFacts = []Fact{
	{Country: "GTM", Key: "cicig_operating", Holds: true, ValidFrom: "2007-09-04", ValidTo: "2019-09-03",
		Citation: "UN-Guatemala agreement establishing the International Commission against Impunity in Guatemala (CICIG), in force 4 September 2007; its mandate was not renewed and ended 3 September 2019"},
	{Country: "HND", Key: "maccih_operating", Holds: true, ValidFrom: "2016-01-19", ValidTo: "2020-01-19",
		Citation: "Agreement between the Government of Honduras and the OAS General Secretariat establishing the Mission to Support the Fight against Corruption and Impunity in Honduras (MACCIH), signed 19 January 2016; not renewed, it ended 19 January 2020"},
}

// certifications2016 are the sec. 7045(a)(3)(B) certifications (the
// twelve governance steps) whose date is in hand. A certification starts
// on the date the source gives: for Guatemala the Federal Register's
// publication (the signature date is not in hand), for Honduras the date
// the State Department says it certified to Congress, for El Salvador the
// Federal Register publication the U.S. Embassy in San Salvador gives. The
// Embassy's page does not name the section; it lists El Salvador's notice
// beside Guatemala's and Honduras's, which are the (a)(3)(B) ones, so it is
// entered as (a)(3)(B) and its citation says why. No (a)(3)(A)
// certification is entered: none is in hand.
var certifications2016 = []Fact{
	{Country: "GTM", Key: "certified_7045_a3_b", Holds: true, ValidFrom: "2016-07-14",
		Citation:    "Certification Pursuant to Section 7045(a)(3)(B) of the Department of State, Foreign Operations, and Related Programs Appropriations Act, 2016 (central government of Guatemala), by the Deputy Secretary of State; Federal Register vol. 81 p. 45593, Public Notice 9634, FR Doc. 2016-16679, published 14 July 2016 (starts on the publication date; the signature date is not in hand)",
		CitationURL: "https://thefederalregister.org/81-FR/45593"},
	{Country: "HND", Key: "certified_7045_a3_b", Holds: true, ValidFrom: "2016-09-30",
		Citation:    "U.S. Department of State, Deputy Spokesperson Mark Toner, answer on the Honduras certification pursuant to the FY2016 appropriations act: certified to Congress on 30 September 2016 that Honduras is taking effective steps on the 12 conditions (about $55 million linked); published in the Federal Register on 14 October 2016 (U.S. Embassy in El Salvador, \"Clarification Regarding the Certification of Funding for the Northern Triangle\")",
		CitationURL: "https://www.einpresswire.com/article/349442880/western-hemisphere-honduras-certification-pursuant-to-2016-budget-appropriations-act"},
	{Country: "SLV", Key: "certified_7045_a3_b", Holds: true, ValidFrom: "2016-09-09",
		Citation:    "U.S. Embassy in El Salvador, \"Clarification Regarding the Certification of Funding for the Northern Triangle\": the Department of State certified to Congress that El Salvador, Guatemala and Honduras have taken effective measures on the conditions of the FY2016 act; certifications published in the Federal Register on 14 July 2016 (Guatemala), 9 September 2016 (El Salvador) and 14 October 2016 (Honduras). The page does not name the section; Guatemala's notice of that list is the sec. 7045(a)(3)(B) certification (81 FR 45593), so El Salvador's is taken to be the same; starts on the publication date",
		CitationURL: "https://sv.usembassy.gov/clarification-regarding-certification-funding-northern-triangle/"},
}

// suspension2019 is the State Department's announcement of 30 March 2019
// ending FY2017 and FY2018 assistance programs for the three countries.
var suspension2019 = Fact{Key: "us_assistance_suspended", Holds: true, ValidFrom: "2019-03-30",
	Citation: "U.S. Department of State announcement of 30 March 2019 ending FY2017 and FY2018 foreign assistance programs for El Salvador, Guatemala and Honduras"}

func i64(n int64) *int64 { return &n }

// SeedDemo loads the demonstration packages, conditions and facts and
// evaluates every tranche as of the end of FY2016 and as of today, on the
// indicators already imported. It runs as the operator (aid.manage).
func (s *Service) SeedDemo(ctx context.Context) error {
	for _, f := range demoFacts {
		if _, err := s.RecordFact(ctx, f); err != nil {
			return err
		}
	}
	for _, f := range certifications2016 {
		if _, err := s.RecordFact(ctx, f); err != nil {
			return err
		}
	}
	for _, c := range []string{"GTM", "HND", "SLV"} {
		f := suspension2019
		f.Country = c
		if _, err := s.RecordFact(ctx, f); err != nil {
			return err
		}
	}
	if err := s.seed2014(ctx); err != nil {
		return err
	}
	if _, err := s.CreatePackage(ctx, Package{Title: "FY2016 appropriation for the U.S. Strategy for Engagement in Central America (the region; most of it for the Northern Triangle)",
		Donor: "United States", Recipient: "NT3", FiscalYear: 2016, Amount: i64(750_000_000), Currency: "USD", LegalBasis: "P.L. 114-113, Division K, sec. 7045(a)",
		Citation: "Consolidated Appropriations Act, 2016 (P.L. 114-113), Division K, sec. 7045(a): up to $750,000,000", CitationURL: act2016URL}); err != nil {
		return err
	}
	for _, c := range []string{"GTM", "HND", "SLV"} {
		if err := s.seed2016(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) seed2014(ctx context.Context) error {
	for _, d := range []struct {
		country, title, sector string
		amount                 int64
	}{
		{"GTM", "Citizen security in Guatemala (as announced)", "policing_justice", 40_000_000},
		{"SLV", "Youth programs in El Salvador (as announced)", "youth_services", 25_000_000},
	} {
		p, err := s.CreatePackage(ctx, Package{Title: "Assistance announced in June 2014 in response to the arrival of unaccompanied children", Donor: "United States",
			Recipient: d.country, FiscalYear: 2014, Amount: i64(d.amount), Currency: "USD", LegalBasis: "Executive announcement (not an appropriation)",
			Citation: fact2014, CitationURL: fact2014URL})
		if err != nil {
			return err
		}
		// The announcement names neither implementing partners nor an
		// intervention model, so no evidence rating can be stated.
		if _, err := s.AddProgram(ctx, p.ID, Program{Title: d.title, Sector: d.sector, Partner: "USAID (implementing partners not stated in the announcement)",
			Amount: d.amount, Citation: fact2014}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) seed2016(ctx context.Context, country string) error {
	p, err := s.CreatePackage(ctx, Package{Title: "FY2016 assistance for the central government (sec. 7045(a)(3)); the country's share is not stated in the Act",
		Donor: "United States", Recipient: country, FiscalYear: 2016, Currency: "USD", LegalBasis: "P.L. 114-113, Division K, sec. 7045(a)(3)",
		Citation: act2016, CitationURL: act2016URL})
	if err != nil {
		return err
	}
	// Due date: the end of the funds' period of availability is not in the
	// data Amparo ships; the tranches carry the end of FY2017 as the date
	// to watch, stated as such in their labels.
	migr, err := s.AddTranche(ctx, p.ID, Tranche{Label: "25% withheld until the Secretary of State certifies the four migration steps (sec. 7045(a)(3)(A)); review date: end of FY2017",
		DueDate: "2017-09-30", Combination: CombineAll})
	if err != nil {
		return err
	}
	gov, err := s.AddTranche(ctx, p.ID, Tranche{Label: "50% withheld until the Secretary of State certifies the twelve governance steps (sec. 7045(a)(3)(B)); review date: end of FY2017",
		DueDate: "2017-09-30", Combination: CombineAll})
	if err != nil {
		return err
	}
	cert := func(t *Tranche, key, what string) error {
		_, err := s.AddCondition(ctx, t.ID, Condition{Ref: "7045(a)(3)", Kind: KindCertification, Hard: true, Rule: fmt.Sprintf("fact(%q)", key),
			Wording:  "the Secretary of State certifies and reports to the appropriate congressional committees that the central government is taking effective steps to " + what,
			Citation: wordingNote})
		return err
	}
	if err := cert(migr, "certified_7045_a3_a", "meet the four migration steps"); err != nil {
		return err
	}
	for _, st := range migrationSteps {
		if _, err := s.AddCondition(ctx, migr.ID, Condition{Ref: st.ref, Wording: st.wording, Kind: KindInstitutional, Citation: wordingNote}); err != nil {
			return err
		}
	}
	if err := cert(gov, "certified_7045_a3_b", "meet the twelve governance steps"); err != nil {
		return err
	}
	for _, st := range governanceSteps {
		rule := st.rule
		if r, ok := st.rules[country]; ok {
			rule = r
		}
		if _, err := s.AddCondition(ctx, gov.ID, Condition{Ref: st.ref, Wording: st.wording, Kind: st.kind, Rule: rule, Citation: wordingNote}); err != nil {
			return fmt.Errorf("aid: demo %s %s: %w", country, st.ref, err)
		}
	}
	for _, t := range []*Tranche{migr, gov} {
		for _, asOf := range []string{"2016-09-30", s.now().UTC().Format(time.DateOnly)} {
			if _, err := s.Evaluate(ctx, t.ID, EvaluateRequest{AsOf: asOf}); err != nil {
				return err
			}
		}
	}
	return nil
}
