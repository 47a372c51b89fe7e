package sandbox

import (
	"crypto/rand"
	"encoding/hex"
)

// transIDs returns a new authentication's three EMV transaction ids: the
// DS's, the 3DS Server's and the ACS's. With the default NewID they are
// random (version 4) UUIDs, as uuid.NewString makes them, but from one read
// of crypto/rand into one string: uuid.NewString three times reads three
// times and allocates six times, a few per cent of an authenticate.
func (s *Sandbox) transIDs() (ds, server, acs string) {
	if !s.cfg.defaultIDs {
		return s.cfg.NewID(), s.cfg.NewID(), s.cfg.NewID()
	}
	var raw [3 * 16]byte
	rand.Read(raw[:])
	var text [3 * 36]byte
	for i := range 3 {
		formatUUID((*[36]byte)(text[36*i:]), (*[16]byte)(raw[16*i:]))
	}
	all := string(text[:])
	return all[:36], all[36:72], all[72:]
}

// formatUUID writes u, made a version 4 (random) RFC 4122 UUID, into dst
// in its canonical form (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx).
func formatUUID(dst *[36]byte, u *[16]byte) {
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:], u[10:])
}
