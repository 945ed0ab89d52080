/**
 * A fixed-offset IANA zone whose clock reads `localHour` o'clock now (Etc/GMT-N is N hours ahead of
 * UTC: the sign is POSIX's), so that a test can place one recipient inside a send window and
 * another outside it whatever the time the test runs.
 */
export const zoneWhereItIs = (localHour: number): string => {
  let ahead = (((localHour - new Date().getUTCHours()) % 24) + 24) % 24;
  if (ahead > 14) ahead -= 24;
  return ahead === 0 ? 'Etc/GMT' : ahead > 0 ? `Etc/GMT-${ahead}` : `Etc/GMT+${-ahead}`;
};
