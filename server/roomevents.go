package server

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// This file is where a room's membership changes reach everything outside
// the room: the lobby, webhooks, metrics and the log. Both hooks run with
// the room's mutex held, which is what keeps each room's lobby pushes and
// webhook events in order; neither blocks.

// totals accumulates the media counters of participants that left, so the
// metrics' counters never go down when someone leaves.
type totals struct {
	packetsIn, packetsOut, bytesIn, bytesOut, dropped atomic.Uint64
}

// memberJoinedLocked runs after p was added to r's members at now. The
// first join of a room's life starts its room session.
func (s *Server) memberJoinedLocked(r *room, p *participant, now time.Time) {
	if r.sessionID == "" {
		r.createdAt = now
		r.sessionID = newSessionID()
		s.log.Info("room session started", "room", r.name, "roomSession", r.sessionID)
		s.lobby.update(signal.TypeRoomCreated, r.infoLocked())
		s.hooks.emit(WebhookEvent{EventType: WebhookRoomCreated, Event: "room-created", Payload: r.payload(now)})
	} else {
		s.lobby.update(signal.TypeRoomUpdated, r.infoLocked())
	}
	ev := WebhookEvent{EventType: WebhookJoinerJoined, Event: "user-joined", Payload: userPayload(r, p, now)}
	if p.role == signal.RolePlayer {
		ev.EventType = WebhookPlayerJoined
	}
	s.hooks.emit(ev)
}

// memberLeftLocked runs after p was removed from r's members with reason
// at now, before the room closes if p was the last.
func (s *Server) memberLeftLocked(r *room, p *participant, reason int, now time.Time) {
	s.totals.packetsIn.Add(p.packetsIn.Load())
	s.totals.packetsOut.Add(p.packetsOut.Load())
	s.totals.bytesIn.Add(p.bytesIn.Load())
	s.totals.bytesOut.Add(p.bytesOut.Load())
	s.totals.dropped.Add(p.packetsDropped.Load())
	p.log.Info("removed from the room", "reason", reason, "why", signal.ReasonText(reason), "roomSession", r.sessionID)

	ev := WebhookEvent{EventType: WebhookJoinerLeft, Event: "user-left", Payload: userPayload(r, p, now)}
	if p.role == signal.RolePlayer {
		ev.EventType = WebhookPlayerLeft
	}
	ev.Payload.Reason = &reason
	s.hooks.emit(ev)
	if r.replacing {
		return // the new session's join follows at once and updates the count
	}
	if len(r.members) > 0 {
		s.lobby.update(signal.TypeRoomUpdated, r.infoLocked())
		return
	}
	s.lobby.update(signal.TypeRoomDestroyed, r.infoLocked())
	s.hooks.emit(WebhookEvent{EventType: WebhookRoomDestroyed, Event: "room-destroyed", Payload: r.payload(now)})
}

// roleChangedLocked runs after p switched role in r at now.
func (s *Server) roleChangedLocked(r *room, p *participant, now time.Time) {
	ev := WebhookEvent{EventType: WebhookRoleJoiner, Event: "role-changed", Payload: userPayload(r, p, now)}
	if p.role == signal.RolePlayer {
		ev.EventType = WebhookRolePlayer
	}
	s.hooks.emit(ev)
}

// infoLocked describes r for the room list.
func (r *room) infoLocked() signal.RoomInfo {
	return signal.RoomInfo{Room: r.name, Participants: len(r.members), CreatedAt: r.createdAt.UnixMilli()}
}

// payload is the webhook payload of a room event at now.
func (r *room) payload(now time.Time) WebhookPayload {
	return WebhookPayload{ChannelName: r.name, ChannelSID: r.sessionID, TS: now.UnixMilli()}
}

// userPayload is the webhook payload of a user event of p in r at now.
func userPayload(r *room, p *participant, now time.Time) WebhookPayload {
	pl := r.payload(now)
	role, pt := p.role, platformType(p.platform)
	pl.UID, pl.USID, pl.Role = p.userID, p.sessionID, &role
	pl.Platform, pl.PlatformType = p.platform, &pt
	return pl
}

// platformType maps a client's platform string to anyRTC's platform number.
func platformType(platform string) int {
	s := strings.ToLower(platform)
	switch {
	case strings.Contains(s, "android"):
		return 1
	case strings.Contains(s, "ios") || strings.Contains(s, "iphone"):
		return 2
	case strings.Contains(s, "windows"):
		return 5
	case strings.Contains(s, "darwin") || strings.Contains(s, "mac"):
		return 8
	case strings.Contains(s, "web") || strings.Contains(s, "browser"):
		return 7
	case strings.Contains(s, "linux"):
		return 6
	}
	return 0
}
