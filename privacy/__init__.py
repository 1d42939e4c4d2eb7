"""Personal data on public surfaces: one redaction (`privacy.redaction`) for pages, the API, PDFs and the search
index alike, and the Vietnamese text cleaning and folding it needs (`privacy.text`, shared with search).

Plain Python without models: every app may import it, and it imports none of them.
"""
