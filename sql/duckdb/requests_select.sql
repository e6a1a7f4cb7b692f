SELECT strftime(day, '%Y-%m-%d'), requests FROM _gongload_requests ORDER BY day
