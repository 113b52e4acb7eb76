-- The duty rota (代表坐班轮值): a deputy on duty at a station on a day, at most once per station-day.
CREATE TABLE rota_entries (
  id          bigserial PRIMARY KEY,
  station_id  bigint NOT NULL REFERENCES stations (id),
  deputy_id   bigint NOT NULL REFERENCES deputies (id),
  duty_date   date NOT NULL,  -- Asia/Shanghai calendar day
  note        text NOT NULL DEFAULT '',
  created_by  text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  UNIQUE (station_id, duty_date, deputy_id)
);
