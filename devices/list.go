package devices

import (
	"fmt"

	"github.com/confab-rtc/confab/audio"
)

// List returns the microphones and speakers of the context's backend.
// Monitors of outputs are not microphones and are left out.
func List(actx *audio.Context) (mics, speakers []audio.DeviceInfo, err error) {
	mics, err = actx.Devices(audio.KindCapture)
	if err != nil {
		return nil, nil, fmt.Errorf("devices: microphones: %w", err)
	}
	speakers, err = actx.Devices(audio.KindPlayback)
	if err != nil {
		return nil, nil, fmt.Errorf("devices: speakers: %w", err)
	}
	return mics, speakers, nil
}
