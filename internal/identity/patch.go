package identity

// Patch corrects some of a Person's fields, as a PATCH request states
// them: a nil field stays as it is, an empty string clears it.
type Patch struct {
	GivenNames   *string `json:"given_names"`
	Surname1     *string `json:"surname1"`
	Surname2     *string `json:"surname2"`
	Sex          *string `json:"sex"`
	BirthDate    *string `json:"birth_date"`
	BirthCountry *string `json:"birth_country"`
	BirthPlace   *string `json:"birth_place"`
	MotherName   *string `json:"mother_name"`
	FatherName   *string `json:"father_name"`
}

// Apply writes the patch's non-nil fields into p.
func (c Patch) Apply(p *Person) {
	for _, f := range []struct {
		dst *string
		v   *string
	}{
		{&p.GivenNames, c.GivenNames}, {&p.Surname1, c.Surname1}, {&p.Surname2, c.Surname2},
		{&p.Sex, c.Sex}, {&p.BirthDate, c.BirthDate}, {&p.BirthCountry, c.BirthCountry},
		{&p.BirthPlace, c.BirthPlace}, {&p.MotherName, c.MotherName}, {&p.FatherName, c.FatherName},
	} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
}
