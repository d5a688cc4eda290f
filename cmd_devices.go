package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/devices"
)

func newDevicesCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "devices [--json]",
		Short: "List microphones and speakers",
		Long: `devices lists the microphones and speakers with their stable ids (pass an id to
'confab join --mic/--speaker'), marking the system defaults. Monitor sources
(the echo of a speaker) are not microphones and are left out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			actx, err := audio.NewContext()
			if err != nil {
				return fmt.Errorf("no audio system: %w", err)
			}
			defer actx.Close()
			mics, speakers, err := devices.List(actx)
			if err != nil {
				return err
			}
			if asJSON {
				return devices.WriteJSON(cmd.OutOrStdout(), mics, speakers)
			}
			return devices.WriteTable(cmd.OutOrStdout(), mics, speakers)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
