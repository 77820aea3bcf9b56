package facilities

import (
	"context"
	"sort"
)

// Occupancy is one facility's beds now.
type Occupancy struct {
	Facility *Facility `json:"facility"`
	Capacity int       `json:"capacity"`
	Occupied int       `json:"occupied"`
	Free     int       `json:"free"`
}

// OccupancyNow lists each facility's capacity and occupancy, busiest
// first, with the total.
func (s *Service) OccupancyNow(ctx context.Context) ([]Occupancy, Occupancy, error) {
	fs, err := s.Facilities(ctx)
	if err != nil {
		return nil, Occupancy{}, err
	}
	out := []Occupancy{}
	var total Occupancy
	for _, f := range fs {
		c, o := f.Capacity()
		out = append(out, Occupancy{Facility: f, Capacity: c, Occupied: o, Free: c - o})
		total.Capacity += c
		total.Occupied += o
		total.Free += c - o
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Occupied > out[j].Occupied })
	return out, total, nil
}
