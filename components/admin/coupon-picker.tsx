"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Check, ChevronsUpDown } from "lucide-react";
import { useEffect, useState } from "react";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Command, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from "@/components/ui/command";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { PhaseBadge } from "./status-badge";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_DELAY_MS = 200;
const SHOWN = 20;

/**
 * Chooses a coupon by name or exact code (admin.coupons.list's search) instead of typing its id:
 * a combobox (Radix Popover + cmdk list). Keyboard: Enter or Space opens it, type to search,
 * arrows move, Enter chooses, Escape closes. `id` goes on the trigger, for a <Label htmlFor>.
 */
export function CouponPicker({
  id,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (couponId: string) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const list = useQuery({
    ...trpc.admin.coupons.list.queryOptions({ search: debounced || undefined, limit: SHOWN }),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  // The chosen coupon's name, also when it came preselected (e.g. ?couponId=... from a coupon page).
  const chosen = useQuery({
    ...trpc.admin.coupons.get.queryOptions({ id: value }),
    enabled: UUID.test(value),
    retry: false,
  });
  const chosenName = chosen.data?.name;

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setSearch("");
      }}
    >
      <PopoverTrigger asChild>
        <Button
          id={id}
          type="button"
          variant="outline"
          role="combobox"
          aria-expanded={open}
          aria-haspopup="listbox"
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          data-testid="coupon-picker"
          className={cn("w-full justify-between font-normal", !value && "text-muted-foreground")}
        >
          <span className="truncate">
            {value ? (chosenName ?? (chosen.isError ? "Unknown coupon" : "Loading…")) : "Choose a coupon…"}
          </span>
          <ChevronsUpDown className="opacity-50" aria-hidden />
        </Button>
      </PopoverTrigger>
      <PopoverContent className="w-(--radix-popover-trigger-width) min-w-80 p-0" align="start">
        <Command shouldFilter={false} label="Coupons">
          <CommandInput
            placeholder="Search by name or exact code…"
            value={search}
            onValueChange={setSearch}
            aria-label="Search coupons"
          />
          <CommandList>
            {list.isPending ? (
              <p className="text-muted-foreground py-6 text-center text-sm">Loading coupons…</p>
            ) : list.isError ? (
              <p role="alert" className="py-6 text-center text-sm text-red-700">
                {list.error.message}
              </p>
            ) : (
              <>
                <CommandEmpty>{debounced ? `No coupon matches “${debounced}”.` : "No coupons yet."}</CommandEmpty>
                <CommandGroup heading={debounced ? "Matches" : "Recent coupons"}>
                  {list.data.items.map((coupon) => (
                    <CommandItem
                      key={coupon.id}
                      value={coupon.id}
                      onSelect={() => {
                        onChange(coupon.id);
                        setOpen(false);
                        setSearch("");
                      }}
                    >
                      <Check className={cn(value === coupon.id ? "opacity-100" : "opacity-0")} aria-hidden />
                      <span className="min-w-0 flex-1">
                        <span className="block truncate">{coupon.name}</span>
                        {coupon.code && (
                          <span className="text-muted-foreground block font-mono text-xs">{coupon.code}</span>
                        )}
                      </span>
                      <PhaseBadge phase={coupon.phase} />
                    </CommandItem>
                  ))}
                </CommandGroup>
              </>
            )}
          </CommandList>
        </Command>
      </PopoverContent>
    </Popover>
  );
}
