"""Text analysis that works on any news text: sentences, names, dates, numbers, designators, periods."""
