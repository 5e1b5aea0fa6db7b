/** Event standings from the rounds' results: a player's points are the sum of their points in the event's rounds. */

export interface PlayerPoints {
  playerId: string;
  name: string;
  points: number;
  /** Rounds in which the player knew the picture. */
  solved: number;
  /** The player's team (1..teams), null when they did not join one. */
  team: number | null;
}

export interface TeamPoints {
  team: number;
  points: number;
  members: number;
}

export interface Standings {
  players: PlayerPoints[];
  /** Empty when the event has no teams. */
  teams: TeamPoints[];
}

/** Players by points (then rounds known, then name, so ties read the same everywhere); teams by points. */
export function standingsOf(players: readonly PlayerPoints[], teamCount: number): Standings {
  const sorted = [...players].sort((a, b) => b.points - a.points || b.solved - a.solved || a.name.localeCompare(b.name) || a.playerId.localeCompare(b.playerId));
  const teams: TeamPoints[] = [];
  for (let team = 1; team <= teamCount; team++) {
    const members = players.filter((p) => p.team === team);
    teams.push({ team, points: members.reduce((s, p) => s + p.points, 0), members: members.length });
  }
  teams.sort((a, b) => b.points - a.points || a.team - b.team);
  return { players: sorted, teams };
}

/** The team a player joins when they name none: the one with fewest members (the lowest number on a tie). */
export function smallestTeam(counts: ReadonlyMap<number, number>, teamCount: number): number {
  let best = 1;
  for (let team = 2; team <= teamCount; team++) if ((counts.get(team) ?? 0) < (counts.get(best) ?? 0)) best = team;
  return best;
}

/** Ranks with ties sharing a place (10, 8, 8, 5 → 1, 2, 2, 4), for points sorted best first. */
export function ranks(points: readonly number[]): number[] {
  const out: number[] = [];
  points.forEach((p, i) => out.push(i > 0 && p === points[i - 1] ? out[i - 1]! : i + 1));
  return out;
}
